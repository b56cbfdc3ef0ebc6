using System.Diagnostics;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Scanning;
using OnnxCd.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Cli;

/// <summary>
/// Real kills: the onnxcd process is killed (SIGKILL) partway through a scan, once after a known
/// number of records and then again and again at seeded random moments (start-up, mid-batch, while
/// the outputs are written), and --resume each time; the end is the same scores.csv and masks as
/// one uninterrupted scan. The moments are set by the scan's progress (records in the journal), not
/// by the clock, so the same kills happen on a fast machine and on a busy one.
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
        for (var run = 0; ; run++)
        {
            var before = Journaled(folder);
            // Run 0 is killed at start-up, run 3 after the last record (the outputs are then being
            // written), the others after 1 to 12 more records (the next batch is then running).
            var more = run switch { 0 => 0, 3 => UninterruptedScan.Samples - before, _ => random.Next(1, 13) };
            using var process = CliProcess.Start(whole.Args(folder, "--resume"));
            if (run < 7 && WaitForRecords(folder, process, before + more))
            {
                process.Kill();
                process.WaitForExit();
                kills.Add($"after {Journaled(folder) - before} more records ({before} before)");
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
        Assert.True(WaitForRecords(folder, process, 12), "the scan ended before it could be killed");
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Waits until the journal holds <paramref name="records"/> records; false when the process ends first.</summary>
    private static bool WaitForRecords(string folder, Process process, int records)
    {
        while (Journaled(folder) < records)
        {
            if (process.HasExited)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return !process.HasExited;
    }

    private static int Journaled(string folder) =>
        File.Exists(Path.Combine(folder, ScanJournal.JournalFile)) ? ScanJournal.ReadRecords(folder).Count : 0;

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
