using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Tests.Detectors;

/// <summary>Detector inputs built by hand for the tiny cases.</summary>
internal static class DetectorTestInputs
{
    /// <summary>Features and classes only: what the feature detectors read.</summary>
    public static DetectorInputs OfFeatures(float[][] features, long[] classes) => new()
    {
        Classes = classes,
        Features = new Lazy<IReadOnlyList<float[]>?>(() => features),
        Images = () => throw new InvalidOperationException("a feature detector read the images"),
        Classifier = new Lazy<IImageClassifier>(() => throw new InvalidOperationException("a feature detector ran the classifier")),
        Overlays = new Lazy<IReadOnlyList<float[]>>(() => throw new InvalidOperationException("a feature detector read the overlays")),
    };

    /// <summary>Images, a classifier and overlays: what the input-perturbation detectors read.</summary>
    public static DetectorInputs OfImages(float[][] images, Func<float[], float[]> classify, float[][] overlays) => new()
    {
        Classes = new long[images.Length],
        Features = new Lazy<IReadOnlyList<float[]>?>(() => throw new InvalidOperationException("an image detector read the features")),
        Images = () => images,
        Classifier = new Lazy<IImageClassifier>(() => new FunctionClassifier(classify)),
        Overlays = new Lazy<IReadOnlyList<float[]>>(() => overlays),
    };

    private sealed class FunctionClassifier(Func<float[], float[]> classify) : IImageClassifier
    {
        public IReadOnlyList<float[]> Probabilities(IReadOnlyList<float[]> images) => images.Select(classify).ToList();
    }
}
