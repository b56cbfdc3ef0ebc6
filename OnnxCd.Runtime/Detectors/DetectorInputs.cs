namespace OnnxCd.Runtime.Detectors;

/// <summary>
/// What the detectors read about a scan's samples, each part computed when a detector first asks for it:
/// the classes, the penultimate features (held at 4 bytes per channel per sample), the images (streamed,
/// never held), a classifier to query, and the clean images STRIP superimposes.
/// </summary>
public sealed class DetectorInputs
{
    /// <summary>Each sample's class: its label, or else what the model predicts for it.</summary>
    public required IReadOnlyList<long> Classes { get; init; }

    /// <summary>Each sample's penultimate features (one value per channel), or null when the model has no 4-D feature map to take them from.</summary>
    public required Lazy<IReadOnlyList<float[]>?> Features { get; init; }

    /// <summary>The samples' images in [0, 1], in the samples' order, read again on each call.</summary>
    public required Func<IEnumerable<float[]>> Images { get; init; }

    /// <summary>The scanning model as a classifier.</summary>
    public required Lazy<IImageClassifier> Classifier { get; init; }

    /// <summary>The images STRIP superimposes on every sample: taken from the clean reference set when there is one, else from the scan.</summary>
    public required Lazy<IReadOnlyList<float[]>> Overlays { get; init; }

    /// <summary>The features, or a <see cref="ModelException"/> naming <paramref name="detector"/> when the model has none.</summary>
    internal IReadOnlyList<float[]> RequireFeatures(DetectorKind detector) =>
        Features.Value ?? throw new ModelException(Setting.Message($"{DetectorNames.Of(detector)} scores penultimate features, and the model has no 4-D feature map (no convolutional stage) to take them from; leave {DetectorNames.Of(detector)} out of {Setting.Detectors}."));

    /// <summary>The sample positions of each class, in class order.</summary>
    internal IEnumerable<List<int>> ByClass() =>
        Enumerable.Range(0, Classes.Count).GroupBy(i => Classes[i]).OrderBy(g => g.Key).Select(g => g.ToList());
}
