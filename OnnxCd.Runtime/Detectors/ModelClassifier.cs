using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Detectors;

/// <summary>
/// A model as an <see cref="IImageClassifier"/>: the forward pass CD's probability mode matches (the scan's
/// normalisation, then the softmax of the model's output) in one ONNX Runtime session, run in batches.
/// </summary>
public sealed class ModelClassifier : IImageClassifier, IDisposable
{
    private readonly InferenceSession _session;
    private readonly CdNames _names;
    private readonly long[] _dims;
    private readonly int _batch;
    private readonly bool _fixedBatch;

    private ModelClassifier(InferenceSession session, CdNames names, long[] dims, int batch, bool fixedBatch) =>
        (_session, _names, _dims, _batch, _fixedBatch) = (session, names, dims, batch, fixedBatch);

    /// <summary>Opens a session on <paramref name="model"/>.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="mean">The per-channel mean of the scan's normalisation, or null.</param>
    /// <param name="std">The per-channel standard deviation of the scan's normalisation, or null.</param>
    /// <param name="image">The images' channels, height and width.</param>
    /// <param name="batchSize">Images per run (the model's own batch size wins when it fixes one).</param>
    /// <param name="execution">Where the forward pass runs.</param>
    /// <exception cref="ModelException">The model cannot be run.</exception>
    public static ModelClassifier Open(OnnxModel model, IReadOnlyList<float>? mean, IReadOnlyList<float>? std, int[] image, int batchSize, ExecutionOptions execution)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var options = new CdOptions { Mode = CdMode.Probs, Mean = mean, Std = std };
        var shapes = CdGraphBuilder.ModelShapes(model, options, [1, image[0], image[1], image[2]], execution.ProbeMemory);
        var (graph, names) = CdGraphBuilder.BuildForward(model, shapes, options);
        var imageShape = shapes[ModelSignature.Of(model).SingleInput("CD needs a model with one image input")].Shape;
        var session = SessionFactory.Create(graph.ToBytes(), execution, graph.Description).Session;
        return new ModelClassifier(session, names, imageShape.ToArray(), imageShape.IsDynamic(0) ? batchSize : (int)imageShape[0], !imageShape.IsDynamic(0));
    }

    /// <inheritdoc/>
    public IReadOnlyList<float[]> Probabilities(IReadOnlyList<float[]> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var rows = new List<float[]>(images.Count);
        foreach (var chunk in images.Chunk(_batch))
        {
            rows.AddRange(Run(chunk));
        }

        return rows;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    /// <summary>One run over <paramref name="images"/>, padded with zeros to the model's batch when it fixes one.</summary>
    private IEnumerable<float[]> Run(float[][] images)
    {
        var size = images[0].Length;
        var batch = _fixedBatch ? _batch : images.Length;
        var input = new float[batch * size];
        for (var i = 0; i < images.Length; i++)
        {
            images[i].CopyTo(input, i * size);
        }

        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [batch, _dims[1], .. _dims[2..]]);
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [_names.Image], [tensor], [_names.Target]);
        var output = results[0].GetTensorDataAsSpan<float>();
        var classes = output.Length / batch;
        var rows = new float[images.Length][];
        for (var i = 0; i < images.Length; i++)
        {
            rows[i] = output.Slice(i * classes, classes).ToArray();
        }

        return rows;
    }
}
