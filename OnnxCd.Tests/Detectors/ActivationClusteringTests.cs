using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Tests.Detectors;

public sealed class ActivationClusteringTests
{
    [Fact]
    public void TwoExactClusters_ScoreOneMinusTheirShare()
    {
        // Four copies of one point and two of another: every sample sits on its centre (d = 0), so it scores 1 − r.
        float[][] features = [[0, 0], [0, 0], [0, 0], [0, 0], [3, 7], [3, 7]];

        var scores = new ActivationClustering().Score(DetectorTestInputs.OfFeatures(features, new long[6]));

        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 2 / 3.0], scores.Select(s => Math.Round(s, 12)), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void ASampleOffItsCentre_ScoresLessByItsDistances()
    {
        // 1-D: {0, 0, 0, 1} (centre 0.25) and {10, 10} (centre 10). The sample at 1: d = 0.75, d′ = 9, so
        // (1 − 4/6) · 9 / 9.75 = 0.307692…, and a sample at 0 (d = 0.25, d′ = 10) 1/3 · 10 / 10.25; standardising and
        // the projection scale both distances alike.
        float[][] features = [[0], [0], [0], [1], [10], [10]];

        var scores = new ActivationClustering().Score(DetectorTestInputs.OfFeatures(features, new long[6]));

        // Six decimals: the projected points are float32, as ML.NET's k-means takes them.
        Assert.Equal(1 / 3.0 * 9 / 9.75, scores[3], 6);
        Assert.Equal(1 / 3.0 * 10 / 10.25, scores[0], 6);
        Assert.Equal(2 / 3.0, scores[4], 6);
    }

    [Fact]
    public void ClassesAreSplitApart_AndATinyClassScoresZero()
    {
        float[][] features = [[0, 0], [0, 0], [0, 0], [1, 1], [1, 1], [5, 5], [6, 6], [7, 7]];
        long[] classes = [0, 0, 0, 0, 0, 1, 1, 1];

        var scores = new ActivationClustering().Score(DetectorTestInputs.OfFeatures(features, classes));

        Assert.Equal(2 / 5.0, scores[0], 6);
        Assert.Equal(3 / 5.0, scores[3], 6);
        Assert.Equal([0, 0, 0], scores[5..]);
    }
}
