namespace OnnxCd.Tests.TestSupport;

/// <summary>Runs tools/node/run_model.js in Node.js with onnxruntime-node, when both are installed.</summary>
internal static class NodeRuntime
{
    public static string Script => Path.Combine(RepositoryPaths.Root, "tools", "node", "run_model.js");

    public static string? Executable { get; } = ProcessRunner.OnPath("node");

    public static bool ModuleInstalled => Directory.Exists(Path.Combine(RepositoryPaths.Root, "tools", "node", "node_modules", "onnxruntime-node"));

    /// <summary>Runs <paramref name="model"/> with inputs from <paramref name="inputs"/>/NAME.npy; outputs go to <paramref name="outputs"/>/NAME.npy.</summary>
    public static (int ExitCode, string Output) Run(string model, string inputs, string outputs)
    {
        return ProcessRunner.Run(Executable!, [Script, model, inputs, outputs]);
    }
}

/// <summary>A fact that needs Node.js and tools/node's onnxruntime-node; skipped with the reason and the install command when absent.</summary>
internal sealed class NodeRuntimeFactAttribute : FactAttribute
{
    public NodeRuntimeFactAttribute()
    {
        if (NodeRuntime.Executable is null)
        {
            Skip = "Node.js is not installed (apt-get install nodejs npm), so the compiled model cannot be checked in onnxruntime-node.";
        }
        else if (!NodeRuntime.ModuleInstalled)
        {
            Skip = "onnxruntime-node is not installed in tools/node: run 'npm ci --ignore-scripts --prefix tools/node', as .ci/run does.";
        }
    }
}
