using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Execution;

/// <summary>Creates ONNX Runtime sessions on the CPU or CUDA provider and reports which one runs.</summary>
public static class SessionFactory
{
    private static int s_profiledSessions;

    /// <summary>Creates a session for a serialized model.</summary>
    /// <exception cref="ModelException">ONNX Runtime rejects the model.</exception>
    /// <exception cref="InvalidOperationException">An explicit CUDA device cannot be used; the message carries the loader's reason.</exception>
    public static CreatedSession Create(byte[] model, ExecutionOptions options, string description)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        string? fallback = null;
        if (options.Device.Kind != DeviceKind.Cpu)
        {
            try
            {
                return new CreatedSession(Build(model, options, cuda: true, description), $"CUDAExecutionProvider (device {options.Device.DeviceId})", null);
            }
            catch (OnnxRuntimeException e) when (options.Device.Kind == DeviceKind.Auto)
            {
                fallback = $"CUDA is not usable here ({FirstLine(e.Message)}); running on the CPU";
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidOperationException($"The CUDA provider could not be used for device {options.Device}: {e.Message}", e);
            }
        }

        return new CreatedSession(Build(model, options, cuda: false, description), "CPUExecutionProvider", fallback);
    }

    /// <summary>
    /// Creates a session for a graph that depends on the providers that run it (a backward pass):
    /// built by <paramref name="build"/> for the device's <see cref="ExecutionOptions.Target"/>, and
    /// when <c>auto</c> falls back to the CPU, built again for the CPU (a backward built for CUDA
    /// breaks max-pooling ties the other way there). Returns the session and what was built for it.
    /// </summary>
    /// <param name="options">Device, threads and numerics.</param>
    /// <param name="build">Builds for a target; what it returns holds the model to run.</param>
    /// <param name="modelOf">The model to run, within what <paramref name="build"/> returned.</param>
    /// <exception cref="ModelException">ONNX Runtime rejects the model.</exception>
    /// <exception cref="InvalidOperationException">An explicit CUDA device cannot be used.</exception>
    public static (CreatedSession Session, T Built) CreateForTarget<T>(ExecutionOptions options, Func<ProviderTarget, T> build, Func<T, OnnxModel> modelOf)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(modelOf);
        var built = build(options.Target);
        var model = modelOf(built);
        var created = Create(model.ToBytes(), options, model.Description);
        if (created.FallbackReason is null)
        {
            return (created, built);
        }

        created.Session.Dispose();
        var cpu = options.FollowingFallback(created);
        var rebuilt = build(cpu.Target);
        var cpuModel = modelOf(rebuilt);
        return (Create(cpuModel.ToBytes(), cpu, cpuModel.Description) with { FallbackReason = created.FallbackReason }, rebuilt);
    }

    /// <summary>
    /// A CPU session that runs <paramref name="model"/> as written: no graph optimisation, and only
    /// fatal log lines (a model that fails here is reported once, through the exception).
    /// </summary>
    /// <exception cref="ModelException">ONNX Runtime rejects the model.</exception>
    internal static InferenceSession CreateUnoptimised(byte[] model, string description)
    {
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        return Open(model, sessionOptions, description, providerMayFail: false);
    }

    private static InferenceSession Build(byte[] model, ExecutionOptions options, bool cuda, string description)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = options.IntraOpThreads,
        };
        if (options.ProfilePrefix is not null)
        {
            // ONNX Runtime stamps the file with the time to the second: the count keeps sessions opened within one second apart.
            // The prefix is read when profiling is enabled, so it is set first.
            sessionOptions.ProfileOutputPathPrefix = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{options.ProfilePrefix}-{Interlocked.Increment(ref s_profiledSessions):D3}");
            sessionOptions.EnableProfiling = true;
        }

        if (cuda)
        {
            using var cudaOptions = new OrtCUDAProviderOptions();
            cudaOptions.UpdateOptions(new Dictionary<string, string>
            {
                ["device_id"] = options.Device.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["use_tf32"] = options.AllowTf32 ? "1" : "0",
                ["cudnn_conv_algo_search"] = options.CudnnSearch.ToString().ToUpperInvariant(),
            });
            sessionOptions.AppendExecutionProvider_CUDA(cudaOptions);
        }

        return Open(model, sessionOptions, description, providerMayFail: cuda);
    }

    /// <summary>Opens the session; ONNX Runtime's refusal becomes a <see cref="ModelException"/>, except a provider's failure to load where one may fail.</summary>
    private static InferenceSession Open(byte[] model, SessionOptions sessionOptions, string description, bool providerMayFail)
    {
        try
        {
            return new InferenceSession(model, sessionOptions);
        }
        catch (OnnxRuntimeException e) when (!providerMayFail || !IsProviderFailure(e))
        {
            throw new ModelException($"ONNX Runtime cannot load '{description}': {e.Message}", e);
        }
    }

    private static bool IsProviderFailure(OnnxRuntimeException e) =>
        e.Message.Contains("CUDA", StringComparison.OrdinalIgnoreCase) || e.Message.Contains(".so", StringComparison.Ordinal);

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
