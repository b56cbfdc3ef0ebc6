namespace OnnxCd.Runtime.Autodiff;

/// <summary>Which ONNX Runtime execution providers the emitted backward nodes must suit.</summary>
public enum ProviderTarget
{
    /// <summary>Only ops that every provider runs, CUDA included (the graph is portable).</summary>
    Any,

    /// <summary>
    /// The CPU provider: where ONNX Runtime has a faster CPU-only kernel for the same gradient
    /// (MaxUnpool for non-overlapping max pooling), it is used. On CUDA such nodes would fall back to
    /// the CPU with a copy each way.
    /// </summary>
    Cpu,
}
