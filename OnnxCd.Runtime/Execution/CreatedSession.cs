using Microsoft.ML.OnnxRuntime;

namespace OnnxCd.Runtime.Execution;

/// <summary>A session and the provider that actually runs it.</summary>
/// <param name="Session">The session; the caller disposes it.</param>
/// <param name="Provider">A description of the provider, for example <c>CPUExecutionProvider</c> or <c>CUDAExecutionProvider (device 0)</c>.</param>
/// <param name="FallbackReason">Why <see cref="DeviceKind.Auto"/> fell back to the CPU, or null.</param>
public sealed record CreatedSession(InferenceSession Session, string Provider, string? FallbackReason);
