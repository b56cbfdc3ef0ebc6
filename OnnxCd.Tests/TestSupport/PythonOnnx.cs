namespace OnnxCd.Tests.TestSupport;

/// <summary>Runs Debian's <c>/usr/bin/python3</c> with the <c>onnx</c> package, when installed.</summary>
internal static class PythonOnnx
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly Lazy<bool> s_available = new(() => Run("-c", "import onnx").ExitCode == 0);
    private static readonly Lazy<bool> s_torch = new(() => Run("-c", "import onnx, torch, torchvision").ExitCode == 0);

    public static bool Available => s_available.Value;

    public static bool TorchAvailable => s_torch.Value;

    public static (int ExitCode, string Output) Run(params string[] args)
    {
        if (!File.Exists(Interpreter))
        {
            return (-1, $"{Interpreter} not found");
        }

        return ProcessRunner.Run(Interpreter, args);
    }
}

/// <summary>A fact that needs the Python <c>onnx</c> package; skipped with the reason and the install command when absent.</summary>
internal sealed class PythonOnnxFactAttribute : FactAttribute
{
    public PythonOnnxFactAttribute()
    {
        if (!PythonOnnx.Available)
        {
            Skip = $"{PythonOnnx.Interpreter} with the onnx package is not installed (apt-get install python3-onnx), so the ONNX checker cannot run.";
        }
    }
}

/// <summary>A theory that needs PyTorch, torchvision and onnx in Debian's Python; skipped with the reason and the install command when absent.</summary>
internal sealed class PythonTorchTheoryAttribute : TheoryAttribute
{
    public PythonTorchTheoryAttribute()
    {
        if (!PythonOnnx.TorchAvailable)
        {
            Skip = $"{PythonOnnx.Interpreter} with torch, torchvision and onnx is not installed (apt-get install python3-torch python3-torchvision python3-onnx), so the export tool cannot run.";
        }
    }
}

/// <summary>A fact over ONNX's operator test cases; skipped (with the reason and the command that writes them) when they are absent.</summary>
internal sealed class OnnxNodeCasesFactAttribute : FactAttribute
{
    public OnnxNodeCasesFactAttribute()
    {
        if (!Directory.Exists(RepositoryPaths.Generated("onnx-node")))
        {
            Skip = $"ONNX's operator test cases are not written ({RepositoryPaths.Generated("onnx-node")} is missing): run '/usr/bin/python3 tools/onnx_node_cases.py' (needs Debian's python3-onnx), as .ci/run does.";
        }
    }
}
