using OnnxCd.Runtime.Detection;

namespace OnnxCd.Tests.Detection;

public sealed class DetectionMetricsTests
{
    // Most suspicious first: −1 P, −2 N, −3 P, −4 N, −5 N (P = poisoned).
    private static readonly double[] s_scores = [-3, -1, -5, -2, -4];
    private static readonly bool[] s_poisoned = [true, true, false, false, false];

    [Fact]
    public void Auroc_CountsOrderedPairs()
    {
        // Pairs (P, N) with P more suspicious: (1,2) (1,4) (1,5) (3,4) (3,5) = 5 of 6.
        Assert.Equal(5.0 / 6, DetectionMetrics.Compute(s_scores, s_poisoned).Auroc, 12);
    }

    [Fact]
    public void Auroc_CountsTiesAsHalf() =>
        Assert.Equal(0.5, DetectionMetrics.Compute([1, 1], [true, false]).Auroc, 12);

    [Fact]
    public void Auprc_IsAveragePrecision()
    {
        // Precision at the two positives: 1/1 and 2/3; recall steps of 1/2 each → (1 + 2/3)/2.
        Assert.Equal((1 + (2.0 / 3)) / 2, DetectionMetrics.Compute(s_scores, s_poisoned).Auprc, 12);
    }

    [Fact]
    public void TprAtFpr_TakesTheBestPointWithinTheRate()
    {
        // ROC points: (0, .5), (1/3, .5), (1/3, 1), ... → TPR 0.5 at FPR ≤ 10%.
        var metrics = DetectionMetrics.Compute(s_scores, s_poisoned);
        Assert.Equal(0.5, metrics.TprAtFpr["10%"], 12);
        Assert.Equal(new RocPoint(0, 0), metrics.Roc[0]);
        Assert.Equal(new RocPoint(1, 1), metrics.Roc[^1]);
    }

    [Fact]
    public void Confusion_CountsFlaggedAgainstTruth()
    {
        var confusion = DetectionMetrics.ConfusionOf(s_scores, s_poisoned, new Threshold("test", -2.5));
        Assert.Equal(new Confusion(1, 1, 2, 1), confusion);
        Assert.Equal(0.5, confusion.Recall, 12);
        Assert.Equal(1.0 / 3, confusion.FalsePositiveRate, 12);
    }

    [Fact]
    public void OneClassTruth_IsRefused() =>
        Assert.Contains("both poisoned and clean", Assert.Throws<ArgumentException>(() => DetectionMetrics.Compute([1, 2], [true, true])).Message, StringComparison.Ordinal);
}
