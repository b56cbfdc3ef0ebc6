using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Features;

/// <summary>
/// A model's penultimate features of a dataset's samples: one forward pass to the feature map CD-F matches
/// (by default the input of the last global pooling, <see cref="FeatureLocator"/>), averaged over its
/// spatial axes, so that each sample becomes one vector with a value per channel. No CD runs; it costs one
/// forward pass per image against the scan's hundreds of forward and backward passes.
/// </summary>
public static class PenultimateFeatures
{
    /// <summary>The features of the readable samples in [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="source"/> that <paramref name="include"/> keeps, in index order; null when the model has no 4-D feature map (no convolutional stage) to take them from.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="options">The CD options of the scan: their normalisation, and their feature tensor when one is named.</param>
    /// <param name="source">The dataset, opened at the model's image size.</param>
    /// <param name="image">The images' channels, height and width.</param>
    /// <param name="start">The first sample.</param>
    /// <param name="end">One past the last sample.</param>
    /// <param name="include">Which samples to keep (the scored ones).</param>
    /// <param name="batchSize">Images per run (the model's own batch size wins when it fixes one).</param>
    /// <param name="execution">Where the forward pass runs.</param>
    /// <exception cref="ModelException">The model cannot be run.</exception>
    public static IReadOnlyList<SampleFeatures>? Extract(OnnxModel model, CdOptions options, DatasetSource source, int[] image, long start, long end, Func<long, bool> include, int batchSize, ExecutionOptions execution)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(include);
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var forward = options with { Mode = CdMode.Features, Output = null };
        var samples = source.Read(start, end).Where(s => s.Pixels is not null && include(s.Index));
        using var enumerator = samples.GetEnumerator();
        if (!enumerator.MoveNext())
        {
            return [];
        }

        var shapes = CdGraphBuilder.ModelShapes(model, forward, [1, image[0], image[1], image[2]], execution.ProbeMemory);
        if (FeatureLocator.Find(model, shapes) is null)
        {
            return null;
        }

        var (graph, names) = CdGraphBuilder.BuildForward(model, shapes, forward);
        var imageShape = shapes[ModelSignature.Of(model).SingleInput("CD needs a model with one image input")].Shape;
        var batch = imageShape.IsDynamic(0) ? batchSize : (int)imageShape[0];
        using var created = SessionFactory.Create(graph.ToBytes(), execution, graph.Description).Session;
        var dims = imageShape.ToArray();
        var features = new List<SampleFeatures>();
        var pending = new List<Sample> { enumerator.Current };
        while (enumerator.MoveNext())
        {
            pending.Add(enumerator.Current);
            if (pending.Count == batch)
            {
                features.AddRange(Run(created, names, pending, batch, dims));
                pending.Clear();
            }
        }

        if (pending.Count > 0)
        {
            features.AddRange(Run(created, names, pending, imageShape.IsDynamic(0) ? pending.Count : batch, dims));
        }

        return features;
    }

    /// <summary>One forward pass over <paramref name="samples"/> (padded with zeros to <paramref name="batch"/>), each sample's map averaged over its spatial axes.</summary>
    private static IEnumerable<SampleFeatures> Run(InferenceSession session, CdNames names, List<Sample> samples, int batch, long[] dims)
    {
        var size = samples[0].Pixels!.Length;
        var images = new float[batch * size];
        for (var i = 0; i < samples.Count; i++)
        {
            samples[i].Pixels!.CopyTo(images, i * size);
        }

        long[] shape = [batch, dims[1], .. dims[2..]];
        using var input = OrtValue.CreateTensorValueFromMemory(images, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [names.Image], [input], [names.Target]);
        var map = results[0].GetTensorDataAsSpan<float>();
        var mapShape = results[0].GetTensorTypeAndShape().Shape;
        var channels = (int)mapShape[1];
        var spatial = (int)mapShape.Skip(2).Aggregate(1L, (a, b) => a * b);
        var rows = new List<SampleFeatures>(samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            var values = new float[channels];
            for (var c = 0; c < channels; c++)
            {
                double sum = 0;
                foreach (var v in map.Slice(((i * channels) + c) * spatial, spatial))
                {
                    sum += v;
                }

                values[c] = (float)(sum / spatial);
            }

            rows.Add(new SampleFeatures(samples[i].Index, samples[i].Label, values));
        }

        return rows;
    }
}
