using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// Runs a container of a rendered Kubernetes manifest on this machine, as a pod would run it: its
/// command, its environment (env and envFrom ConfigMaps), each volume mount's path replaced by a
/// local folder, and <c>onnxcd</c> on the PATH as the CLI built beside the tests.
/// </summary>
internal sealed partial class LocalPod
{
    private readonly string[] _command;
    private readonly Dictionary<string, string> _environment;

    /// <param name="documents">The rendered manifests (for the ConfigMaps).</param>
    /// <param name="container">The container, as rendered.</param>
    /// <param name="volumes">Each volume name's local folder.</param>
    /// <param name="tools">A folder for the <c>onnxcd</c> launcher.</param>
    public LocalPod(JsonArray documents, JsonNode container, IReadOnlyDictionary<string, string> volumes, string tools)
    {
        var mounts = container["volumeMounts"]!.AsArray().ToDictionary(m => (string)m!["mountPath"]!, m => volumes[(string)m!["name"]!]);
        _environment = [];
        foreach (var source in container["envFrom"]?.AsArray() ?? [])
        {
            var map = KubernetesManifests.Find(documents, "ConfigMap", (string)source!["configMapRef"]!["name"]!);
            foreach (var (key, value) in map["data"]!.AsObject())
            {
                _environment[key] = Local((string)value!, mounts);
            }
        }

        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            _environment[(string)variable!["name"]!] = Local((string)variable["value"]!, mounts);
        }

        _command = container["command"]!.AsArray().Select(c => Local((string)c!, mounts)).ToArray();
        Directory.CreateDirectory(tools);
        var launcher = Path.Combine(tools, "onnxcd");
        File.WriteAllText(launcher, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "onnxcd.dll")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        _environment["PATH"] = tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
    }

    /// <summary>Starts the command with <paramref name="extra"/> added to (or replacing) its environment.</summary>
    public Process Start(params (string Name, string Value)[] extra)
    {
        var start = new ProcessStartInfo(_command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in _command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in _environment.Select(p => (p.Key, p.Value)).Concat(extra))
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>Runs the command to its end: its exit code and output.</summary>
    public (int ExitCode, string Output) Run(params (string Name, string Value)[] extra)
    {
        using var process = Start(extra);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    // A mount path where it starts a path: followed by '/', a quote, a space or the end.
    private static string Local(string text, Dictionary<string, string> mounts) =>
        mounts.Aggregate(text, (t, m) => Regex.Replace(t, $"(?<![\\w/.-]){Regex.Escape(m.Key)}(?=[/\"' ]|$)", m.Value.Replace("$", "$$", StringComparison.Ordinal)));
}
