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
        Assert.Equal(2 - 0.5 * 3, target.ExcessFlagged, 12);
    }

    [Fact]
    public void SuspectedTarget_IsTheClassWithTheMostFlaggedBeyondItsSize_NotTheHighestRate()
    {
        // 26 of 100 flagged. Class 0: 40 samples, 20 flagged (50%, 20 − 0.26·40 = 9.6 beyond expectation).
        // Class 1: 8 samples, 6 flagged (75%, the highest rate, but 6 − 0.26·8 = 3.92 beyond). Class 2: none.
        var classes = new List<long>();
        var flagged = new List<bool>();
        foreach (var (label, count, hits) in new[] { (0L, 40, 20), (1L, 8, 6), (2L, 52, 0) })
        {
            classes.AddRange(Enumerable.Repeat(label, count));
            flagged.AddRange(Enumerable.Range(0, count).Select(i => i < hits));
        }

        var statistics = ClassStatistics.Compute(classes, classes.Select(c => (double)c).ToList(), flagged, null, null);
        var target = SuspectedTarget.Find(statistics)!;

        Assert.Equal(0.75, statistics[1].FlaggedRate, 12);
        Assert.Equal(0, target.Class.Class);
        Assert.Equal(0.26, target.OverallRate, 12);
        Assert.Equal(20 - 0.26 * 40, target.ExcessFlagged, 9);
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
