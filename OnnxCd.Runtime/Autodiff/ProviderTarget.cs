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

    /// <summary>
    /// The CUDA provider. Its MaxPool scans each window with the last spatial axis outermost (2-D:
    /// column by column) and keeps the first strict maximum, so on ties its Indices name another
    /// position than the CPU's and PyTorch's (row by row). The backward pools a copy with the spatial
    /// axes reversed, which CUDA then scans row by row, and maps its Indices back: ties go where they
    /// go on the CPU. Run on the CPU, such a graph breaks ties column by column instead.
    /// </summary>
    Cuda,
}
