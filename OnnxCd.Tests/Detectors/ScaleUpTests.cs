using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Tests.Detectors;

public sealed class ScaleUpTests
{
    /// <summary>Class 1 when the pixels sum past 1.5, else class 0.</summary>
    private static float[] SumClassifier(float[] image) => image.Sum() > 1.5f ? [0.1f, 0.9f] : [0.9f, 0.1f];

    [Fact]
    public void TheShareOfAmplifiedCopiesThatKeepTheClass()
    {
        // [0.1, 0.1] is class 0; ×3, ×5 and ×7 sum to 0.6, 1.0 and 1.4 (class 0), ×9 and ×11 to 1.8 and 2 (class 1): 3/5.
        // [0.5, 0.5] is class 0 (sum 1), and every amplified copy saturates to [1, 1] (class 1): 0.
        // [1, 1] is class 1 and stays [1, 1]: 1.
        var scores = new ScaleUp().Score(DetectorTestInputs.OfImages([[0.1f, 0.1f], [0.5f, 0.5f], [1, 1]], SumClassifier, []));

        Assert.Equal([0.6, 0, 1], scores.Select(s => Math.Round(s, 12)));
    }

    [Fact]
    public void Amplifying_ClipsToOne()
    {
        Assert.Equal([0.75f, 1f, 0f], ScaleUp.Amplify([0.25f, 0.5f, 0f], 3));
    }
}
