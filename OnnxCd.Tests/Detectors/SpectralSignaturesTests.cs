using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Tests.Detectors;

public sealed class SpectralSignaturesTests
{
    [Fact]
    public void RankOneOutlier_ScoresItsSquaredProjectionOverTheClassMean()
    {
        // Class 0: four points at (±1, 0) and one at (0, 4). Mean (0, 0.8); centred y: −0.8 (×4), 3.2; x·y sums to 0,
        // so the top direction is (0, 1) (eigenvalue 12.8 against 4). Squared projections 0.64 (×4) and 10.24, mean 2.56:
        // scores 0.25 and 4. Class 1 is two equal points (no spread: 0); class 2 a single sample (0).
        float[][] features = [[1, 0], [-1, 0], [1, 0], [-1, 0], [0, 4], [5, 5], [5, 5], [9, 9]];
        long[] classes = [0, 0, 0, 0, 0, 1, 1, 2];

        var scores = new SpectralSignatures().Score(DetectorTestInputs.OfFeatures(features, classes));

        Assert.Equal([0.25, 0.25, 0.25, 0.25, 4.0, 0, 0, 0], scores.Select(s => Math.Round(s, 12)));
    }

    [Fact]
    public void WithoutFeatures_NamesTheDetectorAndTheSetting()
    {
        var inputs = DetectorTestInputs.OfFeatures([], []);
        var none = new DetectorInputs
        {
            Classes = inputs.Classes,
            Features = new Lazy<IReadOnlyList<float[]>?>(() => null),
            Images = inputs.Images,
            Classifier = inputs.Classifier,
            Overlays = inputs.Overlays,
        };

        var error = Assert.Throws<OnnxCd.Runtime.ModelException>(() => new SpectralSignatures().Score(none));

        Assert.Contains("ss scores penultimate features", error.Message, StringComparison.Ordinal);
        Assert.Contains("ScanSettings.Detectors", error.Message, StringComparison.Ordinal);
    }
}
