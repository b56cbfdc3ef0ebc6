using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Tests.Detectors;

public sealed class ScoreFusionTests
{
    [Fact]
    public void RobustZ_IsOverTheScaledMad()
    {
        // Median 3, |s − 3| = 2, 1, 0, 1, 7: MAD 1, scaled 1.4826.
        Assert.Equal([-2 / 1.4826, -1 / 1.4826, 0, 1 / 1.4826, 7 / 1.4826], ScoreFusion.RobustZ([1.0, 2, 3, 4, 10]).Select(z => Math.Round(z, 12)), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void RobustZ_FallsBackToTheStd_WhereTheMadIsZero_AndToZeroWhereBothAre()
    {
        // Median 1, MAD 0 (three of four equal); sample std of 1, 1, 1, 0 is 0.5.
        Assert.Equal([0, 0, 0, -2], ScoreFusion.RobustZ([1.0, 1, 1, 0]).Select(z => Math.Round(z, 12)));
        Assert.Equal([0, 0, 0], ScoreFusion.RobustZ([4.0, 4, 4]));
    }

    [Fact]
    public void AStrongDetector_OutweighsOneAtChance()
    {
        // The first detector puts sample 4 far out (z = 7/1.4826); the second, at chance, ranks it lowest but only by
        // an ordinary amount (z = −2/1.4826): the fusion still ranks sample 4 first.
        var fused = ScoreFusion.Combine([[1.0, 2, 3, 4, 10], [3.0, 4, 2, 5, 1]]);

        Assert.Equal(4, Array.IndexOf(fused, fused.Max()));
        Assert.Equal(((7 / 1.4826) + (-2 / 1.4826)) / 2, fused[4], 9);
    }

    [Fact]
    public void ScoresOfDifferentLengths_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => ScoreFusion.Combine([[1.0, 2], [1.0]]));
    }
}
