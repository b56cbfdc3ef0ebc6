using OnnxCd.Runtime;
using OnnxCd.Runtime.Detection;

namespace OnnxCd.Tests.Detection;

public sealed class ThresholdRuleTests
{
    // Scores 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample std √(32/7) = 2.13809, median 4.5,
    // |s − 4.5| = 2.5, .5, .5, .5, .5, .5, 2.5, 4.5 → MAD 0.5, scaled 0.7413.
    private static readonly double[] s_scores = [2, 4, 4, 4, 5, 5, 7, 9];

    [Fact]
    public void MeanStd_UsesTheSampleStandardDeviation() =>
        Assert.Equal(5 - (1.5 * Math.Sqrt(32.0 / 7)), ThresholdRule.Parse("mean-std", 1.5).Compute(s_scores).Value, 12);

    [Fact]
    public void MedianMad_ScalesTheMadBy1_4826() =>
        Assert.Equal(4.5 - (2 * 1.4826 * 0.5), ThresholdRule.Parse("mad", 2).Compute(s_scores).Value, 12);

    [Fact]
    public void Quantile_InterpolatesLinearly()
    {
        // Position 0.1·7 = 0.7 between the sorted values 2 and 4 → 3.4; flags the one score below.
        var threshold = ThresholdRule.Parse("quantile", 0.1).Compute(s_scores);
        Assert.Equal(3.4, threshold.Value, 12);
        Assert.Equal(1, s_scores.Count(threshold.Flags));
    }

    [Fact]
    public void Reference_UsesTheCleanSetsStatistics()
    {
        var threshold = ThresholdRule.Parse("reference", null).Compute(s_scores, [10, 12, 14]);
        Assert.Equal(12 - 2, threshold.Value, 12);
        Assert.Contains("3 clean reference scores", threshold.Rule, StringComparison.Ordinal);
        Assert.Throws<SettingException>(() => ThresholdRule.Parse("reference", null).Compute(s_scores));
    }

    [Fact]
    public void Flags_AreScoresStrictlyBelowTheThreshold()
    {
        var threshold = new Threshold("test", 4);
        Assert.True(threshold.Flags(3.999));
        Assert.False(threshold.Flags(4));
    }

    [Theory]
    [InlineData("zscore", null, "use mean-std, mad, quantile or reference")]
    [InlineData("quantile", 1.5, "give q in (0, 1)")]
    [InlineData("mean-std", -1.0, "give k ≥ 0")]
    public void InvalidRules_NameTheValidValues(string name, double? parameter, string expected) =>
        Assert.Contains(expected, Assert.Throws<SettingException>(() => ThresholdRule.Parse(name, parameter)).Message, StringComparison.Ordinal);
}
