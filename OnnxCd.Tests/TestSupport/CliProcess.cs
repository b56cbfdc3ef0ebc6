using System.Diagnostics;

namespace OnnxCd.Tests.TestSupport;

/// <summary>Runs <c>dotnet onnxcd.dll</c> (the CLI built beside the tests) as a real child process, for kills and memory.</summary>
internal static class CliProcess
{
    /// <summary>Starts the CLI with its output read and discarded.</summary>
    public static Process Start(params string[] args)
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

    /// <summary>Runs the CLI to its end and returns its exit code and peak resident memory in bytes (VmHWM, read from /proc while it runs).</summary>
    public static (int ExitCode, long PeakBytes) RunMeasuringPeak(params string[] args)
    {
        using var process = Start(args);
        var status = $"/proc/{process.Id}/status";
        long peak = 0;
        while (!process.HasExited)
        {
            try
            {
                var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null)
                {
                    peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024);
                }
            }
            catch (IOException)
            {
                // The process ended between the check and the read.
            }

            Thread.Sleep(10);
        }

        process.WaitForExit();
        return (process.ExitCode, peak);
    }
}
