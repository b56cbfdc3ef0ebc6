using System.Diagnostics;

namespace OnnxCd.Tests.TestSupport;

/// <summary>Runs an external program to completion and returns its exit code and combined output.</summary>
internal static class ProcessRunner
{
    /// <summary>The path of <paramref name="name"/> on the PATH, or null.</summary>
    public static string? OnPath(string name) => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, name))
        .FirstOrDefault(File.Exists);

    public static (int ExitCode, string Output) Run(string executable, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
