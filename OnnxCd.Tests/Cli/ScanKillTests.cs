using System.Diagnostics;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Scanning;
using OnnxCd.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Cli;

/// <summary>
/// Real kills: the onnxcd process is killed (SIGKILL) partway through a scan, once after a known
/// number of records and then again and again at random moments (start-up, mid-batch, while the
/// outputs are written), and --resume each time; the end is the same scores.csv and masks as one
/// uninterrupted scan.
/// </summary>
public sealed class ScanKillTests(ScanKillTests.UninterruptedScan whole, ITestOutputHelper output) : IClassFixture<ScanKillTests.UninterruptedScan>
{
    [Fact]
    public void ScanKilledWithSigkill_Resumed_WritesTheSameScores()
    {
        var folder = whole.Folder("killed-once");
        KillAfter12Records(folder, whole.Args(folder));

        var journaled = ScanJournal.ReadRecords(folder).Count;
        Assert.InRange(journaled, 12, UninterruptedScan.Samples - 1);
        Assert.False(File.Exists(Path.Combine(folder, "scores.csv")));
        var (code, _, log) = CliRunner.Run(whole.Args(folder, "--resume"));

        Assert.True(code == 0, log);
        whole.AssertSameOutputs(folder);
    }

    [Fact]
    public void ScanWithTwoSessions_Killed_Resumed_WritesTheSameScoresAsOneSession()
    {
        var folder = whole.Folder("two-sessions");
        KillAfter12Records(folder, whole.Args(folder, "--sessions", "2"));

        Assert.InRange(ScanJournal.ReadRecords(folder).Count, 12, UninterruptedScan.Samples - 1);
        var (code, _, log) = CliRunner.Run(whole.Args(folder, "--resume", "--sessions", "2"));

        Assert.True(code == 0, log);
        Assert.Contains("CPUExecutionProvider ×2", File.ReadAllText(Path.Combine(folder, "summary.json")), StringComparison.Ordinal);
        whole.AssertSameOutputs(folder);
    }

    [Fact]
    public void ScanKilledAtRandomMoments_ResumedEachTime_WritesTheSameScores()
    {
        var folder = whole.Folder("killed-often");
        var random = new Random(20261125);
        var kills = new List<string>();
        for (var run = 0; run < 8; run++)
        {
            var journaledBefore = File.Exists(Path.Combine(folder, ScanJournal.JournalFile)) ? ScanJournal.ReadRecords(folder).Count : 0;
            using var process = CliProcess.Start(whole.Args(folder, "--resume"));
            var delay = TimeSpan.FromMilliseconds(random.Next(200, 2500));
            if (run < 7 && !process.WaitForExit(delay))
            {
                process.Kill();
                process.WaitForExit();
                kills.Add($"after {delay.TotalMilliseconds} ms ({journaledBefore} records before)");
                continue;
            }

            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"run {run} exited {process.ExitCode}; kills: {string.Join(", ", kills)}");
            break;
        }

        output.WriteLine($"killed {string.Join(", ", kills)}");
        Assert.True(kills.Count >= 3, $"only {kills.Count} runs were killed before the scan ended");
        whole.AssertSameOutputs(folder);
    }

    /// <summary>Starts the scan of <paramref name="args"/> and kills it (SIGKILL) once its journal holds at least 12 records.</summary>
    private static void KillAfter12Records(string folder, string[] args)
    {
        using var process = CliProcess.Start(args);
        var clock = Stopwatch.StartNew();
        while (ScanJournal.ReadRecords(folder).Count < 12 && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(5);
        }

        Assert.False(process.HasExited, "the scan ended before it could be killed");
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>64 images scanned once without interruption: the outputs every killed scan must end with.</summary>
    public sealed class UninterruptedScan : IDisposable
    {
        public const int Samples = 64;
        private readonly TempDirectory _dir = new();

        public UninterruptedScan()
        {
            var (images, shape) = ShippedSamples.Many(Samples);
            NpyFile.Write(_dir.File("x.npy"), NpyArray.Of(images, shape));
            var (code, _, log) = CliRunner.Run(Args(Folder("whole")));
            Assert.True(code == 0, log);
        }

        public string Folder(string name) => _dir.File(name);

        public string[] Args(string folder, params string[] extra) =>
            ["scan", "--model", ShippedSamples.ModelPath, "--data", _dir.File("x.npy"), "--steps", "100", "--batch-size", "4", "--device", "cpu", "--threads", "1", "--out", folder, .. extra];

        public void AssertSameOutputs(string folder)
        {
            foreach (var file in new[] { "scores.csv", ScanJournal.MasksU8File, "unlearn.txt", "safe.txt" })
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(Folder("whole"), file)), File.ReadAllBytes(Path.Combine(folder, file)));
            }
        }

        public void Dispose() => _dir.Dispose();
    }
}
