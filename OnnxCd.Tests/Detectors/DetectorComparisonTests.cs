using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Tests.Detectors;

public sealed class DetectorComparisonTests
{
    [Fact]
    public void Agreement_CountsTheSharedTopK_WithKTheNumberCdFlags()
    {
        double[] cd = [9, 8, 1, 1, 1, 1];
        double[] other = [9, 1, 8, 1, 1, 1];
        bool[] poisoned = [true, true, false, false, false, false];
        var cdThreshold = new Threshold("by hand", 5);

        var comparison = DetectorComparison.Compute([new(DetectorKind.Cd, cd, 10), new(DetectorKind.Strip, other, 1)], new ThresholdRule(ThresholdKind.MeanStd, 1), cdThreshold, poisoned, "truth", 0.5);

        // CD flags samples 0 and 1 (k = 2); STRIP's top 2 are 0 and 2: one shared.
        Assert.Equal(2, comparison.TopK);
        Assert.Equal([[2, 1], [1, 2]], comparison.Agreement.Select(r => r.ToArray()));
        Assert.Equal([2, 1], comparison.TopPoisoned!);
        Assert.Equal(2, comparison.Detectors[0].Flagged);
        Assert.Equal(1.0, comparison.Detectors[0].Metrics!.Auroc);
        // STRIP: mean 3.5 and std about 3.9 put the threshold near 7.4: only 9 and 8 are above it, one of them poisoned.
        Assert.Equal(2, comparison.Detectors[1].Flagged);
        Assert.Equal(1, comparison.Detectors[1].Metrics!.Confusion.TruePositives);
    }

    [Fact]
    public void TheReferenceRule_IsAppliedAsMeanStd_BesideCd()
    {
        var comparison = DetectorComparison.Compute([new(DetectorKind.Cd, [1.0, 2, 3], 1), new(DetectorKind.ScaleUp, [0.0, 0, 1], 1)], new ThresholdRule(ThresholdKind.Reference, 1), new Threshold("reference", 2.5), null, null, null);

        Assert.Contains("mean + 1", comparison.Detectors[1].Threshold.Rule, StringComparison.Ordinal);
        Assert.Null(comparison.Detectors[1].Metrics);
        Assert.Null(comparison.TopPoisoned);
        Assert.Equal("reference", comparison.Detectors[0].Threshold.Rule);
    }
}
