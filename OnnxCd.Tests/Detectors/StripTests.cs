using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Tests.Detectors;

public sealed class StripTests
{
    /// <summary>A classifier certain of class 0 when the first pixel is saturated (the "trigger"), and undecided between two classes otherwise.</summary>
    private static float[] TriggerClassifier(float[] image) => image[0] >= 1 ? [1, 0] : [0.5f, 0.5f];

    [Fact]
    public void ATriggerThatSurvivesEveryOverlay_ScoresZeroEntropy_AndACleanImageMinusLn2()
    {
        float[][] images = [[1, 0, 0], [0, 0.3f, 0.1f]];
        float[][] overlays = [[0.2f, 0.5f, 0.9f], [0.4f, 0.9f, 0.1f], [0.1f, 0.1f, 0.1f]];

        var scores = new Strip().Score(DetectorTestInputs.OfImages(images, TriggerClassifier, overlays));

        Assert.Equal(0, scores[0], 12);
        Assert.Equal(-Math.Log(2), scores[1], 6);
    }

    [Fact]
    public void TheMeanEntropyIsOverTheOverlays()
    {
        // Of three overlays, one saturates the first pixel of the clean image (0.6 + 0.5 ≥ 1): entropy 0 once, ln 2 twice.
        float[][] overlays = [[0.5f, 0, 0], [0.1f, 0, 0], [0, 0, 0]];

        var scores = new Strip().Score(DetectorTestInputs.OfImages([[0.6f, 0, 0]], TriggerClassifier, overlays));

        Assert.Equal(-2 * Math.Log(2) / 3, scores[0], 6);
    }

    [Fact]
    public void Superimposing_AddsAndClipsToOne()
    {
        Assert.Equal([1f, 0.5f, 0f], Strip.Superimpose([0.7f, 0.25f, 0f], [0.6f, 0.25f, 0f]));
    }

    [Fact]
    public void Entropy_OfACertainPredictionIsZero_AndOfAUniformOneLnK()
    {
        Assert.Equal(0, Strip.Entropy([0, 1, 0]));
        Assert.Equal(Math.Log(4), Strip.Entropy([0.25f, 0.25f, 0.25f, 0.25f]), 12);
    }

    [Fact]
    public void NoOverlay_IsRefusedWithTheReason()
    {
        var error = Assert.Throws<OnnxCd.Runtime.DataException>(() => new Strip().Score(DetectorTestInputs.OfImages([[0f]], TriggerClassifier, [])));

        Assert.Contains("no image to superimpose", error.Message, StringComparison.Ordinal);
    }
}
