using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Execution;

/// <summary>
/// Computes vector–Jacobian products J(x)ᵀ·c of one model output with respect to its input on ONNX
/// Runtime: the gradient graph is built once for an input size, then batches are run through it.
/// Owns a native session; dispose it.
/// </summary>
public sealed class VjpSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _cotangentInput;
    private readonly string _gradientOutput;

    private VjpSession(CreatedSession created, GradientModel gradient, string input, string output, TensorShapes shapes)
    {
        _session = created.Session;
        Provider = created.Provider;
        FallbackReason = created.FallbackReason;
        Gradient = gradient;
        Input = input;
        Output = output;
        InputInfo = shapes[input];
        OutputInfo = shapes[output];
        _cotangentInput = gradient.CotangentInputs[output];
        _gradientOutput = gradient.GradientOutputs[input];
    }

    /// <summary>The provider that runs the session.</summary>
    public string Provider { get; }

    /// <summary>Why <see cref="DeviceKind.Auto"/> fell back to the CPU, or null.</summary>
    public string? FallbackReason { get; }

    /// <summary>The gradient model that runs.</summary>
    public GradientModel Gradient { get; }

    /// <summary>The differentiated input.</summary>
    public string Input { get; }

    /// <summary>The output whose cotangent is taken.</summary>
    public string Output { get; }

    /// <summary>The input's type and shape (batch axis dynamic unless the model fixes it).</summary>
    public TensorInfo InputInfo { get; }

    /// <summary>The output's type and shape.</summary>
    public TensorInfo OutputInfo { get; }

    /// <summary>The batch size the model requires, or null when its batch axis is dynamic.</summary>
    public long? FixedBatch => InputInfo.Shape.IsDynamic(0) ? null : InputInfo.Shape[0];

    /// <summary>Builds the gradient model of <paramref name="output"/> (default: the only float output) for inputs of <paramref name="inputDims"/>.</summary>
    /// <param name="model">The model; it must have exactly one input.</param>
    /// <param name="inputDims">The input's dimensions, batch included (the batch size itself does not matter).</param>
    /// <param name="output">The output to differentiate, or null for the only float output.</param>
    /// <param name="options">Device, threads and the probe's memory limit; the backward is built for the provider that runs it (<see cref="ProviderTarget.Cpu"/> or <see cref="ProviderTarget.Cuda"/>; after <c>auto</c> falls back, the CPU's).</param>
    public static VjpSession Create(OnnxModel model, long[] inputDims, string? output, ExecutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputDims);
        ArgumentNullException.ThrowIfNull(options);
        var signature = ModelSignature.Of(model);
        var input = signature.SingleInput("OnnxCd differentiates models with a single image input");
        var shapes = ModelProbe.Run(model, new Dictionary<string, long[]> { [input] = inputDims }, options.ProbeMemory);
        output ??= signature.SingleFloatOutput(shapes, $"choose one with {Setting.Output}");
        var (created, gradient) = SessionFactory.CreateForTarget(options, target => GradientBuilder.Build(model, GradientRequest.Vjp(input, output) with { Target = target }, shapes), g => g.Model);
        return new VjpSession(created, gradient, input, output, shapes);
    }

    /// <summary>
    /// Jᵀ·c for every sample, run in chunks of <paramref name="batchSize"/> (or of the model's fixed
    /// batch size, zero-padding the last chunk, when it has one). The result has x's shape.
    /// </summary>
    /// <param name="x">The inputs, [N, …input].</param>
    /// <param name="xShape">The dimensions of <paramref name="x"/>.</param>
    /// <param name="cotangent">The cotangents, [N, …output].</param>
    /// <param name="cotangentShape">The dimensions of <paramref name="cotangent"/>.</param>
    /// <param name="batchSize">The most samples per run.</param>
    /// <param name="progress">Called with the number of samples done after each chunk.</param>
    public float[] Run(float[] x, long[] xShape, float[] cotangent, long[] cotangentShape, int batchSize, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(cotangent);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var n = xShape[0];
        var chunk = FixedBatch ?? Math.Min(batchSize, Math.Max(1, n));
        var xPer = xShape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var cPer = cotangentShape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var result = new float[x.Length];
        for (long start = 0; start < n; start += chunk)
        {
            var count = Math.Min(chunk, n - start);
            var rows = FixedBatch ?? count;
            var xChunk = new float[rows * xPer];
            var cChunk = new float[rows * cPer];
            Array.Copy(x, start * xPer, xChunk, 0, count * xPer);
            Array.Copy(cotangent, start * cPer, cChunk, 0, count * cPer);
            var grad = RunBatch(xChunk, [rows, .. xShape.Skip(1)], cChunk, [rows, .. cotangentShape.Skip(1)]);
            Array.Copy(grad, 0, result, start * xPer, count * xPer);
            progress?.Invoke(start + count);
        }

        return result;
    }

    /// <summary>Jᵀ·c for one batch, run as it is.</summary>
    public float[] RunBatch(float[] x, long[] xShape, float[] cotangent, long[] cotangentShape)
    {
        using var xValue = OrtValue.CreateTensorValueFromMemory(x, xShape);
        using var cValue = OrtValue.CreateTensorValueFromMemory(cotangent, cotangentShape);
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [Input, _cotangentInput], [xValue, cValue], [_gradientOutput]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
