namespace OnnxCd.Runtime.Execution;

/// <summary>How the CUDA provider picks each convolution's cuDNN algorithm (its <c>cudnn_conv_algo_search</c> option).</summary>
public enum CudnnSearch
{
    /// <summary>Time every algorithm on the first run of each shape and keep the fastest (ONNX Runtime's default; slower start).</summary>
    Exhaustive,

    /// <summary>cuDNN's heuristics pick without timing (fast start, sometimes a slower algorithm).</summary>
    Heuristic,

    /// <summary>cuDNN's default algorithm for every convolution.</summary>
    Default,
}
