using OnnxCd.Runtime.Detection;

namespace OnnxCd.Tests.Detection;

public sealed class ClassStatisticsTests
{
    [Fact]
    public void PerClassCounts_AndTheSuspectedTarget()
    {
        long[] classes = [0, 0, 0, 1, 1, 2];
        double[] scores = [1, 2, 9, 8, 7, 6];
        bool[] flagged = [true, true, false, false, true, false];

        var statistics = ClassStatistics.Compute(classes, scores, flagged, null, ["a", "b", "c"]);
        var target = SuspectedTarget.Find(statistics)!;

        Assert.Equal(["a", "b", "c"], statistics.Select(s => s.Name));
        Assert.Equal(new long[] { 2, 1, 0 }, statistics.Select(s => s.Flagged));
        Assert.Equal(4, statistics[0].MeanScore, 12);
        Assert.Equal("a", target.Class.Name);
        Assert.Equal(2.0 / 3, target.FlaggedRate, 12);
        Assert.Equal(0.5, target.OverallRate, 12);
        Assert.Equal(2.0 / 3, target.ShareOfFlagged, 12);
    }

    [Fact]
    public void RankSplit_TakesTheMostAndLeastSuspiciousByRank()
    {
        long[] indices = Enumerable.Range(100, 40).Select(i => (long)i).ToArray();
        double[] scores = Enumerable.Range(0, 40).Select(i => (double)((i * 7) % 40)).ToArray();

        var split = RankSplit.Compute(indices, scores);

        Assert.Single(split.Unlearn);
        Assert.Equal(100, split.Unlearn[0]);
        Assert.Equal(28, split.Safe.Count);
        Assert.DoesNotContain(100L, split.Safe);
    }
}
