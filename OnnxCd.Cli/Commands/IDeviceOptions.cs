namespace OnnxCd.Cli.Commands;

/// <summary>Where and how the verbs that run CD execute: device, CPU threads, CUDA numerics and the probe's memory limit.</summary>
internal interface IDeviceOptions : IProbeOptions
{
    const string Tf32Help = "CUDA: let float32 convolutions and matrix products use TF32 (10 mantissa bits instead of 23: faster on Ampere and newer; off by default for parity with the CPU).";

    const string CudnnSearchHelp = "CUDA: how cuDNN picks each convolution's algorithm: exhaustive (time them all on the first run, ONNX Runtime's default), heuristic or default.";

    string Device { get; }

    int Threads { get; }

    bool Tf32 { get; }

    string CudnnSearch { get; }
}
