using OnnxCd.Runtime.Detection;

namespace OnnxCd.Tests.Detection;

public sealed class ClassStatisticsTests
{
    [Fact]
    public void PerClassCounts()
    {
        long[] classes = [0, 0, 0, 1, 1, 2];
        double[] scores = [1, 2, 9, 8, 7, 6];
        bool[] flagged = [true, true, false, false, true, false];

        var statistics = ClassStatistics.Compute(classes, scores, flagged, null, ["a", "b", "c"]);

        Assert.Equal(["a", "b", "c"], statistics.Select(s => s.Name));
        Assert.Equal(new long[] { 2, 1, 0 }, statistics.Select(s => s.Flagged));
        Assert.Equal(4, statistics[0].MeanScore, 12);
        Assert.Equal(2.0 / 3, statistics[0].FlaggedRate, 12);
    }

    [Fact]
    public void SuspectedTarget_NeedsASignificantExcess()
    {
        // Class 0: 12 of 40 flagged against 10% of the 160 others; P(X ≥ 12 | 40, 0.1) = 3.8e-4, × 5 classes = 1.9e-3:
        // not significant; with 14 flagged, 1.8e-5 × 5 = 9.2e-5 is.
        static IReadOnlyList<ClassStatistics> Classes(int targetFlagged) => ClassStatistics.Compute(
            [.. Enumerable.Range(0, 200).Select(i => (long)(i / 40))],
            new double[200],
            [.. Enumerable.Range(0, 200).Select(i => i < 40 ? i < targetFlagged : i % 40 < 4)],
            null,
            null);

        Assert.Null(SuspectedTarget.Find(Classes(12)));
        Assert.Null(SuspectedTarget.Find(Classes(4)));
        var target = SuspectedTarget.Find(Classes(14))!;
        Assert.Equal(0, target.Class.Class);
        Assert.Equal(0.1, target.OthersRate, 12);
        Assert.Equal(30.0 / 200, target.OverallRate, 12);
        Assert.Equal(14.0 / 30, target.ShareOfFlagged, 12);
        Assert.Equal(14 - (0.15 * 40), target.ExcessFlagged, 9);
        Assert.Equal(9.237e-5, target.PValue, 7);
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
        double[] scores = Enumerable.Range(0, 40).Select(i => -(double)((i * 7) % 40)).ToArray();

        var split = RankSplit.Compute(indices, scores);

        Assert.Single(split.Unlearn);
        Assert.Equal(100, split.Unlearn[0]);
        Assert.Equal(28, split.Safe.Count);
        Assert.DoesNotContain(100L, split.Safe);
    }
}
