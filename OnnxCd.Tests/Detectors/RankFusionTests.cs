using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Tests.Detectors;

public sealed class RankFusionTests
{
    [Fact]
    public void OpposedDetectors_CancelOut()
    {
        // Ranks 1, 2, 3 and 3, 2, 1: each sample's mean over the two of rank / 3 is 2/3.
        var fused = RankFusion.Combine([[1.0, 2, 3], [30.0, 20, 10]]);

        Assert.All(fused, f => Assert.Equal(2 / 3.0, f, 12));
    }

    [Fact]
    public void Ties_ShareTheirMeanRank_AndScalesDoNotMatter()
    {
        Assert.Equal([2.5, 2.5, 1], RankFusion.FractionalRanks([5.0, 5, 1]));
        // Scores 0.1, 0.2, 0.9 and 100, 300, 200: ranks (1, 2, 3) and (1, 3, 2), means over 3 of 1/3, 5/6 and 5/6.
        Assert.Equal([1 / 3.0, 5 / 6.0, 5 / 6.0], RankFusion.Combine([[0.1, 0.2, 0.9], [100.0, 300, 200]]).Select(f => Math.Round(f, 12)), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void ScoresOfDifferentLengths_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => RankFusion.Combine([[1.0, 2], [1.0]]));
    }
}
