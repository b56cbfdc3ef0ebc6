namespace OnnxCd.Runtime.Execution;

/// <summary>Which execution provider to run on.</summary>
public enum DeviceKind
{
    /// <summary>CUDA when its provider loads, otherwise the CPU (the choice is reported).</summary>
    Auto,

    /// <summary>The CPU provider.</summary>
    Cpu,

    /// <summary>The CUDA provider; failing to load it is an error.</summary>
    Cuda,
}
