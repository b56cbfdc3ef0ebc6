using System.Diagnostics;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Scanning;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

/// <summary>A real kill: the onnxcd process is killed (SIGKILL) partway through a scan, and --resume finishes it.</summary>
public sealed class ScanKillTests
{
    [Fact]
    public void ScanKilledWithSigkill_Resumed_WritesTheSameScores()
    {
        using var dir = new TempDirectory();
        var (images, shape) = ShippedSamples.Many(64);
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(images, shape));
        string[] Scan(string folder, params string[] extra) =>
            ["scan", "--model", ShippedSamples.ModelPath, "--data", dir.File("x.npy"), "--steps", "40", "--batch-size", "4", "--device", "cpu", "--threads", "1", "--out", dir.File(folder), .. extra];
        var (code, _, log) = CliRunner.Run(Scan("whole"));
        Assert.True(code == 0, log);

        using (var process = StartCli(Scan("killed")))
        {
            var clock = Stopwatch.StartNew();
            while (ScanJournal.ReadRecords(dir.File("killed")).Count < 12 && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(5);
            }

            Assert.False(process.HasExited, "the scan ended before it could be killed");
            process.Kill();
            process.WaitForExit();
        }

        var journaled = ScanJournal.ReadRecords(dir.File("killed")).Count;
        Assert.InRange(journaled, 12, 63);
        Assert.False(File.Exists(dir.File("killed/scores.csv")));
        (code, _, log) = CliRunner.Run(Scan("killed", "--resume"));

        Assert.True(code == 0, log);
        Assert.Equal(File.ReadAllBytes(dir.File("whole/scores.csv")), File.ReadAllBytes(dir.File("killed/scores.csv")));
        Assert.Equal(File.ReadAllBytes(dir.File("whole/" + ScanJournal.MasksU8File)), File.ReadAllBytes(dir.File("killed/" + ScanJournal.MasksU8File)));
    }

    /// <summary>Starts <c>dotnet onnxcd.dll</c> (the CLI built beside the tests) with output discarded.</summary>
    private static Process StartCli(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "onnxcd.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
