using OnnxCd.Runtime.Autodiff;

namespace OnnxCd.Runtime.Execution;

/// <summary>How sessions are created: device, threads, and CUDA numerics.</summary>
public sealed record ExecutionOptions
{
    /// <summary>The device; the CPU unless set.</summary>
    public DeviceSpec Device { get; init; } = new(DeviceKind.Cpu);

    /// <summary>Intra-op threads for the CPU provider; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Whether CUDA may use TF32 for float32 convolutions and matrix products (off by default, for parity with the CPU).</summary>
    public bool AllowTf32 { get; init; }

    /// <summary>How CUDA picks convolution algorithms; ONNX Runtime's exhaustive search unless set.</summary>
    public CudnnSearch CudnnSearch { get; init; }

    /// <summary>
    /// When set, ONNX Runtime profiles every session created with these options and writes its
    /// trace (each node run, with its provider and duration) to <c>PREFIX-NNN_TIME.json</c> when the
    /// session closes, NNN counting sessions. The trace grows with every run: profile a few steps.
    /// </summary>
    public string? ProfilePrefix { get; init; }

    /// <summary>The most bytes the shape probe may hold when the graphs are built (<see cref="ModelProbe.Run"/>); 4 GiB unless set.</summary>
    public long ProbeMemory { get; init; } = ModelProbe.DefaultMemoryLimit;

    /// <summary>The providers a backward pass is built for: the CPU's (with its CPU-only kernels) on the CPU, CUDA's otherwise; with auto that holds until it falls back to the CPU (<see cref="SessionFactory.CreateForTarget"/> then builds for the CPU).</summary>
    public ProviderTarget Target => Device.Kind == DeviceKind.Cpu ? ProviderTarget.Cpu : ProviderTarget.Cuda;

    /// <summary>The options to go on with after <paramref name="session"/> was created: these, or the CPU when <c>auto</c> fell back to it.</summary>
    public ExecutionOptions FollowingFallback(CreatedSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.FallbackReason is null ? this : this with { Device = new DeviceSpec(DeviceKind.Cpu) };
    }
}
