namespace OnnxCd.Runtime.Detectors;

/// <summary>
/// SCALE-UP (Guo et al., ICLR 2023). Each sample's pixel values are multiplied by every factor of
/// <see cref="Factors"/> and clipped to [0, 1]; it scores the share of the amplified copies whose predicted
/// class stays the sample's own predicted class (the paper's scaled prediction consistency): amplifying
/// strengthens a trigger and washes out a clean image's content.
/// </summary>
public sealed class ScaleUp : IDetector
{
    /// <summary>The amplification factors (the paper's 3, 5, 7, 9 and 11).</summary>
    public static IReadOnlyList<float> Factors { get; } = [3f, 5f, 7f, 9f, 11f];

    /// <summary>How many samples are amplified per classifier call.</summary>
    private const int SamplesPerCall = 128;

    /// <inheritdoc/>
    public DetectorKind Kind => DetectorKind.ScaleUp;

    /// <inheritdoc/>
    public double[] Score(DetectorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var copies = Factors.Count + 1;
        var scores = new List<double>(inputs.Classes.Count);
        foreach (var chunk in inputs.Images().Chunk(SamplesPerCall))
        {
            var batch = chunk.SelectMany(image => Factors.Select(f => Amplify(image, f)).Prepend(image)).ToList();
            var predicted = inputs.Classifier.Value.Probabilities(batch).Select(ArgMax).ToList();
            for (var s = 0; s < chunk.Length; s++)
            {
                // SPC = (1 / K) Σₖ 1[argmax f(clip(nₖ · x)) = argmax f(x)]
                var own = predicted[s * copies];
                scores.Add(Enumerable.Range((s * copies) + 1, Factors.Count).Count(i => predicted[i] == own) / (double)Factors.Count);
            }
        }

        return [.. scores];
    }

    /// <summary>n · x clipped to [0, 1], pixel by pixel.</summary>
    internal static float[] Amplify(float[] image, float factor) => image.Select(v => Math.Clamp(v * factor, 0f, 1f)).ToArray();

    /// <summary>The first class of highest probability.</summary>
    internal static int ArgMax(float[] probabilities)
    {
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
        {
            best = probabilities[c] > probabilities[best] ? c : best;
        }

        return best;
    }
}
