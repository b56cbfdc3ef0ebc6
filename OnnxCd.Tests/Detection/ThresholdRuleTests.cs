using OnnxCd.Runtime;
using OnnxCd.Runtime.Detection;

namespace OnnxCd.Tests.Detection;

public sealed class ThresholdRuleTests
{
    // Suspicion scores 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample std √(32/7) = 2.13809, median 4.5,
    // |s − 4.5| = 2.5, .5, .5, .5, .5, .5, 2.5, 4.5 → MAD 0.5, scaled 0.7413.
    private static readonly double[] s_scores = [2, 4, 4, 4, 5, 5, 7, 9];

    [Fact]
    public void MeanStd_UsesTheSampleStandardDeviation() =>
        Assert.Equal(5 + (1.5 * Math.Sqrt(32.0 / 7)), ThresholdRule.Parse("mean-std", 1.5).Compute(s_scores).Value, 12);

    [Fact]
    public void MedianMad_ScalesTheMadBy1_4826() =>
        Assert.Equal(4.5 + (2 * 1.4826 * 0.5), ThresholdRule.Parse("mad", 2).Compute(s_scores).Value, 12);

    [Fact]
    public void Quantile_FlagsTheTopShare_InterpolatingLinearly()
    {
        // The 0.9-quantile: position 0.9·7 = 6.3 between the sorted values 7 and 9 → 7.6; flags the one score above.
        var threshold = ThresholdRule.Parse("quantile", 0.1).Compute(s_scores);
        Assert.Equal(7.6, threshold.Value, 12);
        Assert.Equal(1, s_scores.Count(threshold.Flags));
    }

    [Fact]
    public void Reference_UsesTheCleanSetsStatistics()
    {
        var threshold = ThresholdRule.Parse("reference", null).Compute(s_scores, [10, 12, 14]);
        Assert.Equal(12 + 2, threshold.Value, 12);
        Assert.Contains("3 clean reference suspicion scores", threshold.Rule, StringComparison.Ordinal);
        Assert.Throws<SettingException>(() => ThresholdRule.Parse("reference", null).Compute(s_scores));
    }

    [Fact]
    public void Flags_AreSuspicionsStrictlyAboveTheThreshold()
    {
        var threshold = new Threshold("test", 4);
        Assert.True(threshold.Flags(4.001));
        Assert.False(threshold.Flags(4));
    }

    [Theory]
    [InlineData("zscore", null, "use mean-std, mad, quantile or reference")]
    [InlineData("quantile", 1.5, "give q in (0, 1)")]
    [InlineData("mean-std", -1.0, "give k ≥ 0")]
    public void InvalidRules_NameTheValidValues(string name, double? parameter, string expected) =>
        Assert.Contains(expected, Assert.Throws<SettingException>(() => ThresholdRule.Parse(name, parameter)).Message, StringComparison.Ordinal);
}
