using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Distillation;

/// <summary>
/// Cognitive Distillation on ONNX Runtime for one model: the graphs are built and the sessions
/// created once, then any number of image batches can be distilled. Not thread-safe; owns native
/// sessions and buffers, released by <see cref="Dispose"/>.
/// </summary>
/// <example>
/// <code>
/// using var cd = CognitiveDistiller.Create(OnnxModel.Load("model.onnx"), new CdOptions(), [1, 3, 32, 32], new ExecutionOptions());
/// CdResult result = cd.Distill(images, [n, 3, 32, 32]);   // result.L1[i] small → suspicious
/// </code>
/// </example>
public sealed class CognitiveDistiller : IDisposable
{
    private readonly InferenceSession _reference;
    private readonly InferenceSession _step;
    private readonly NoiseSource _noise;
    private readonly Dictionary<int, StepLoop> _loops = [];
    private readonly OrtMemoryInfo? _deviceMemory;

    private CognitiveDistiller(CdGraphs graphs, CdOptions options, CreatedSession reference, CreatedSession step, NoiseSource noise, int batchSize, DeviceSpec device)
    {
        Graphs = graphs;
        Options = options;
        _reference = reference.Session;
        _step = step.Session;
        Provider = step.Provider;
        FallbackReason = step.FallbackReason;
        _noise = noise;
        BatchSize = graphs.ImageShape.IsDynamic(0) ? batchSize : (int)graphs.ImageShape[0];
        // The step state stays in the GPU's memory between steps; on the CPU, host memory is the device's.
        _deviceMemory = Provider.StartsWith("CPU", StringComparison.Ordinal) ? null : new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, device.DeviceId, OrtMemType.Default);
    }

    /// <summary>The graphs that run.</summary>
    public CdGraphs Graphs { get; }

    /// <summary>The hyper-parameters in use.</summary>
    public CdOptions Options { get; }

    /// <summary>The provider that runs the step graph.</summary>
    public string Provider { get; }

    /// <summary>Why <see cref="DeviceKind.Auto"/> fell back to the CPU, or null.</summary>
    public string? FallbackReason { get; }

    /// <summary>Samples per run (the model's own batch size when it fixes one).</summary>
    public int BatchSize { get; }

    /// <summary>Builds the graphs for images of <paramref name="imageDims"/> ([N,C,H,W]) and creates the sessions.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="options">CD hyper-parameters.</param>
    /// <param name="imageDims">Image dimensions; N does not matter.</param>
    /// <param name="execution">Device, threads and the probe's memory limit.</param>
    /// <param name="batchSize">Samples per run (ignored when the model fixes its batch size).</param>
    /// <param name="noise">The noise colours; null for <see cref="NoiseSource.Seeded"/> with the options' seed.</param>
    public static CognitiveDistiller Create(OnnxModel model, CdOptions options, long[] imageDims, ExecutionOptions execution, int batchSize = 64, NoiseSource? noise = null)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var shapes = CdGraphBuilder.ModelShapes(model, options, imageDims, execution.ProbeMemory);
        var graphs = CdGraphBuilder.Build(model, shapes, options, execution.Target);
        var reference = SessionFactory.Create(graphs.Reference.ToBytes(), execution, graphs.Reference.Description);
        try
        {
            var (step, stepGraphs) = SessionFactory.CreateForTarget(
                execution.FollowingFallback(reference),
                target => target == execution.Target ? graphs : CdGraphBuilder.Build(model, shapes, options, target),
                g => g.Step);
            return new CognitiveDistiller(stepGraphs, options, reference, step with { FallbackReason = reference.FallbackReason }, noise ?? NoiseSource.Seeded(options.Seed), batchSize, execution.Device);
        }
        catch
        {
            reference.Session.Dispose();
            throw;
        }
    }

    /// <summary>Distils every image, in batches of <see cref="BatchSize"/>.</summary>
    /// <param name="images">Images [N,C,H,W] with values in [0,1].</param>
    /// <param name="shape">The dimensions of <paramref name="images"/>.</param>
    /// <param name="firstSample">The dataset index of the first image (the others follow it): it selects the noise, so a sample gets the same mask however the data is batched.</param>
    /// <param name="progress">Called with the number of images done after each batch.</param>
    /// <exception cref="DataException">The images have another shape, or values outside [0,1].</exception>
    public CdResult Distill(float[] images, long[] shape, long firstSample = 0, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var indices = new long[shape.Length > 0 ? shape[0] : 0];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = firstSample + i;
        }

        return Distill(images, shape, indices, progress);
    }

    /// <summary>Distils every image, in batches of <see cref="BatchSize"/>; <paramref name="sampleIndices"/> gives each image's dataset index, which selects its noise.</summary>
    /// <param name="images">Images [N,C,H,W] with values in [0,1].</param>
    /// <param name="shape">The dimensions of <paramref name="images"/>.</param>
    /// <param name="sampleIndices">N dataset indices.</param>
    /// <param name="progress">Called with the number of images done after each batch.</param>
    /// <exception cref="DataException">The images have another shape, or values outside [0,1].</exception>
    public CdResult Distill(float[] images, long[] shape, IReadOnlyList<long> sampleIndices, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(sampleIndices);
        CheckImages(images, shape);
        long n = shape[0], channels = shape[1], height = shape[2], width = shape[3];
        if (sampleIndices.Count != n)
        {
            throw new ArgumentException($"{sampleIndices.Count} sample indices for {n} images.", nameof(sampleIndices));
        }

        _noise.Check(Options.Steps, sampleIndices.Max() + 1, (int)channels);
        var perImage = channels * height * width;
        var perMask = height * width;
        var masks = new float[n * perMask];
        var l1 = new float[n];
        var loss = new float[n];
        var predicted = Graphs.Predictions is null ? null : new long[n];
        for (long start = 0; start < n; start += BatchSize)
        {
            var count = (int)Math.Min(BatchSize, n - start);
            var loop = LoopFor(Graphs.ImageShape.IsDynamic(0) ? count : BatchSize, shape);
            Array.Clear(loop.Images);
            Array.Copy(images, start * perImage, loop.Images, 0, count * perImage);
            var batchIndices = new long[loop.Batch];
            for (var i = 0; i < loop.Batch; i++)
            {
                batchIndices[i] = sampleIndices[(int)Math.Min(start + i, n - 1)];
            }

            RunReference(loop, predicted, start, count);
            var (theta, lastLoss) = loop.Run(Options, _noise, batchIndices);
            for (var i = 0; i < count; i++)
            {
                double sum = 0;
                for (var p = 0; p < perMask; p++)
                {
                    var m = CdMask.Of(theta[(i * perMask) + p]);
                    masks[((start + i) * perMask) + p] = m;
                    sum += m;
                }

                l1[start + i] = (float)sum;
                loss[start + i] = lastLoss[i];
            }

            progress?.Invoke(start + count);
        }

        return new CdResult(masks, [n, 1, height, width], l1, loss, predicted);
    }

    /// <summary>The reference pass: the targets into the loop, and the predicted classes when the graph has logits.</summary>
    private void RunReference(StepLoop loop, long[]? predicted, long start, int count)
    {
        using var runOptions = new RunOptions();
        var names = Graphs.Names;
        if (Graphs.Predictions is null || Graphs.Predictions == names.Target)
        {
            _reference.Run(runOptions, [names.Image], [loop.ImageValue], [names.Target], [loop.TargetValue]);
        }
        else
        {
            using var results = _reference.Run(runOptions, [names.Image], [loop.ImageValue], [names.Target, names.Logits]);
            results[0].GetTensorDataAsSpan<float>().CopyTo(loop.Targets);
            PredictedClasses.ArgMax(results[1].GetTensorDataAsSpan<float>(), (int)results[1].GetTensorTypeAndShape().Shape[1], predicted!, start, count);
            return;
        }

        if (predicted is not null)
        {
            PredictedClasses.ArgMax(loop.Targets, (int)Graphs.TargetShape[1], predicted, start, count);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var loop in _loops.Values)
        {
            loop.Dispose();
        }

        _step.Dispose();
        _reference.Dispose();
        _deviceMemory?.Dispose();
    }

    private StepLoop LoopFor(int batch, long[] shape)
    {
        if (!_loops.TryGetValue(batch, out var loop))
        {
            // Keep the full-size loop and at most one other (the last, partial batch).
            foreach (var stale in _loops.Where(kv => kv.Key != BatchSize).ToList())
            {
                stale.Value.Dispose();
                _loops.Remove(stale.Key);
            }

            _loops[batch] = loop = new StepLoop(_step, Graphs.Names, batch, shape, [batch, .. Graphs.TargetShape.Dims.Skip(1)], _deviceMemory);
        }

        return loop;
    }

    private void CheckImages(float[] images, long[] shape)
    {
        var expected = Graphs.ImageShape;
        if (shape.Length == 4 && shape[0] == 0)
        {
            throw new DataException("There are no images to distill (the array has 0 samples).");
        }

        if (shape.Length != 4 || shape[1] != expected[1] || shape[2] != expected[2] || shape[3] != expected[3] || images.LongLength != shape.Aggregate(1L, (a, b) => a * b))
        {
            throw new DataException($"Images of shape {TensorShape.Format(shape)} ({images.LongLength} values) do not fit the model input {expected} (? is the batch axis).");
        }

        for (long i = 0; i < images.LongLength; i++)
        {
            if (!(images[i] >= 0 && images[i] <= 1))
            {
                var perImage = shape[1] * shape[2] * shape[3];
                throw new DataException(Setting.Message($"Image {i / perImage} has value {images[i]} at element {i % perImage}; CD works on pixels in [0,1]. Scale the images to [0,1], and give {Setting.Normalisation} when the model expects normalised input."));
            }
        }
    }
}
