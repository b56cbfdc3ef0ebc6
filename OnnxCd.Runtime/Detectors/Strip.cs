namespace OnnxCd.Runtime.Detectors;

/// <summary>
/// STRIP (Gao et al. 2019). Each sample is superimposed with every image of <see cref="DetectorInputs.Overlays"/>
/// (the pixel-wise sum clipped to [0, 1], as the original's weights 1 and 1), and scores minus the mean entropy
/// of the model's predictions on the superimposed images: a trigger keeps dictating the class whatever is laid
/// over it, so a poison's predictions stay certain.
/// </summary>
public sealed class Strip : IDetector
{
    /// <summary>The images superimposed on each sample by default (the original's N).</summary>
    public const int DefaultOverlays = 100;

    /// <summary>How many superimposed images go to the classifier in one call, at the least.</summary>
    private const int ImagesPerCall = 512;

    /// <inheritdoc/>
    public DetectorKind Kind => DetectorKind.Strip;

    /// <inheritdoc/>
    public double[] Score(DetectorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var overlays = inputs.Overlays.Value;
        if (overlays.Count == 0)
        {
            throw new DataException("STRIP has no image to superimpose: the clean reference set and the scan hold no readable image.");
        }

        var perCall = Math.Max(1, ImagesPerCall / overlays.Count);
        var scores = new List<double>(inputs.Classes.Count);
        foreach (var chunk in inputs.Images().Chunk(perCall))
        {
            var superimposed = chunk.SelectMany(image => overlays.Select(overlay => Superimpose(image, overlay))).ToList();
            var probabilities = inputs.Classifier.Value.Probabilities(superimposed);
            for (var s = 0; s < chunk.Length; s++)
            {
                // s = −mean over overlays of H(p), H(p) = −Σ p ln p
                scores.Add(-Enumerable.Range(s * overlays.Count, overlays.Count).Average(i => Entropy(probabilities[i])));
            }
        }

        return [.. scores];
    }

    /// <summary>x + h clipped to [0, 1], pixel by pixel.</summary>
    internal static float[] Superimpose(float[] image, float[] overlay)
    {
        var sum = new float[image.Length];
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = Math.Clamp(image[i] + overlay[i], 0f, 1f);
        }

        return sum;
    }

    /// <summary>−Σ p ln p, with 0 ln 0 = 0.</summary>
    internal static double Entropy(float[] probabilities) =>
        -probabilities.Where(p => p > 0).Sum(p => p * Math.Log(p));
}
