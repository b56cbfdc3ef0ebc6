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
        bool[] standouts = [false, true, false, true, true, true];

        var statistics = ClassStatistics.Compute(classes, scores, flagged, BySuspicion(standouts), null, ["a", "b", "c"]);

        Assert.Equal(["a", "b", "c"], statistics.Select(s => s.Name));
        Assert.Equal(new long[] { 2, 1, 0 }, statistics.Select(s => s.Flagged));
        Assert.Equal(new long[] { 1, 2, 1 }, statistics.Select(s => s.Standouts[TargetEvidence.Suspicion]));
        Assert.Equal(1.0 / 3, statistics[0].StandoutRate(TargetEvidence.Suspicion), 12);
        Assert.Equal(4, statistics[0].MeanScore, 12);
        Assert.Equal(2.0 / 3, statistics[0].FlaggedRate, 12);
    }

    [Fact]
    public void SuspectedTarget_NeedsASignificantExcess()
    {
        // Class 0: 10 of 40 standing out against 7.5% of the 160 others; P(X ≥ 10 | 40, 0.075) = 5.9e-4, × 5 classes
        // = 2.9e-3: not significant; with 12, 2.4e-5 × 5 = 1.2e-4 is (and 30% is 4 times 7.5%). Every sample is
        // flagged: the flags do not count.
        static IReadOnlyList<ClassStatistics> Classes(int targetStandouts) => ClassStatistics.Compute(
            [.. Enumerable.Range(0, 200).Select(i => (long)(i / 40))],
            new double[200],
            Enumerable.Repeat(true, 200).ToArray(),
            BySuspicion([.. Enumerable.Range(0, 200).Select(i => i < 40 ? i < targetStandouts : i % 40 < 3)]),
            null,
            null);

        Assert.Null(SuspectedTarget.Find(Classes(10)));
        Assert.Null(SuspectedTarget.Find(Classes(3)));
        var target = SuspectedTarget.Find(Classes(12))!;
        Assert.Equal(0, target.Class.Class);
        Assert.Equal(TargetEvidence.Suspicion, target.Evidence);
        Assert.Equal(0.075, target.OthersRate, 12);
        Assert.Equal(24.0 / 200, target.OverallRate, 12);
        Assert.Equal(12.0 / 24, target.ShareOfStandouts, 12);
        Assert.Equal(12 - (0.12 * 40), target.ExcessStandouts, 9);
        Assert.Equal(4, target.RateRatio, 12);
        Assert.Equal(1.2031e-4, target.PValue, 8);
    }

    [Fact]
    public void SuspectedTarget_NeedsALargeExcess_NotOnlyASignificantOne()
    {
        // 1,000 samples a class: 250 of class 0 against 10% of the others is significant (p ≈ 1.7e-41) but only
        // 2.5 times the others' rate, as a clean class whose images vary more can be; 400 (4 times) is named.
        static IReadOnlyList<ClassStatistics> Classes(int targetStandouts) => ClassStatistics.Compute(
            [.. Enumerable.Range(0, 5000).Select(i => (long)(i / 1000))],
            new double[5000],
            new bool[5000],
            BySuspicion([.. Enumerable.Range(0, 5000).Select(i => i < 1000 ? i < targetStandouts : i % 1000 < 100)]),
            null,
            null);

        Assert.Null(SuspectedTarget.Find(Classes(250)));
        var target = SuspectedTarget.Find(Classes(400))!;
        Assert.Equal(0, target.Class.Class);
        Assert.Equal(4, target.RateRatio, 12);
    }

    [Fact]
    public void SuspectedTarget_PValue_StaysExactFarInTheTail()
    {
        // All 40 of class 0 stand out against 5% of the others: p = 0.05^40 · 5 classes = 4.55e-52, where
        // 1 − CDF would round to 0 (and two evidences could not be told apart).
        var target = SuspectedTarget.Find(ClassStatistics.Compute(
            [.. Enumerable.Range(0, 200).Select(i => (long)(i / 40))],
            new double[200],
            new bool[200],
            BySuspicion([.. Enumerable.Range(0, 200).Select(i => i < 40 || i % 40 < 2)]),
            null,
            null))!;

        Assert.InRange(target.PValue / (Math.Pow(0.05, 40) * 5), 1 - 1e-9, 1 + 1e-9);
    }

    [Fact]
    public void SuspectedTarget_IsTheClassWithTheMostStandoutsBeyondItsSize_NotTheHighestRate()
    {
        // 26 of 100 stand out. Class 0: 40 samples, 20 stand out (50%, 20 − 0.26·40 = 9.6 beyond expectation).
        // Class 1: 8 samples, 6 stand out (75%, the highest rate, but 6 − 0.26·8 = 3.92 beyond). Class 2: none.
        var classes = new List<long>();
        var standouts = new List<bool>();
        foreach (var (label, count, hits) in new[] { (0L, 40, 20), (1L, 8, 6), (2L, 52, 0) })
        {
            classes.AddRange(Enumerable.Repeat(label, count));
            standouts.AddRange(Enumerable.Range(0, count).Select(i => i < hits));
        }

        var statistics = ClassStatistics.Compute(classes, classes.Select(c => (double)c).ToList(), new bool[classes.Count], BySuspicion([.. standouts]), null, null);
        var target = SuspectedTarget.Find(statistics)!;

        Assert.Equal(0.75, statistics[1].StandoutRate(TargetEvidence.Suspicion), 12);
        Assert.Equal(0, target.Class.Class);
        Assert.Equal(0.26, target.OverallRate, 12);
        Assert.Equal(20 - 0.26 * 40, target.ExcessStandouts, 9);
    }

    [Fact]
    public void SuspectedTarget_WeighsEachEvidence_AndCorrectsForHowManyItWeighs()
    {
        // Class 0 of 40: 15 stand out by suspicion, 4 by shape; class 1: 4 and 20; classes 2–4: 4 and 4 each.
        // By suspicion class 0 gets p = 1.7e-5; by shape class 1 gets 9.4e-10, so it is named, its p doubled for
        // the two evidences weighed.
        var classes = Enumerable.Range(0, 200).Select(i => (long)(i / 40)).ToList();
        var bySuspicion = Enumerable.Range(0, 200).Select(i => i < 40 ? i < 15 : i % 40 < 4).ToArray();
        var byShape = Enumerable.Range(0, 200).Select(i => i is >= 40 and < 80 ? i % 40 < 20 : i % 40 < 4).ToArray();
        var both = new Dictionary<TargetEvidence, bool[]> { [TargetEvidence.Suspicion] = bySuspicion, [TargetEvidence.MaskShape] = byShape };

        var alone = SuspectedTarget.Find(ClassStatistics.Compute(classes, new double[200], new bool[200], BySuspicion(bySuspicion), null, null))!;
        var shapeAlone = SuspectedTarget.Find(ClassStatistics.Compute(classes, new double[200], new bool[200], new Dictionary<TargetEvidence, bool[]> { [TargetEvidence.MaskShape] = byShape }, null, null))!;
        var target = SuspectedTarget.Find(ClassStatistics.Compute(classes, new double[200], new bool[200], both, null, null))!;

        Assert.Equal(0, alone.Class.Class);
        Assert.Equal(1, shapeAlone.Class.Class);
        Assert.True(shapeAlone.PValue < alone.PValue);
        Assert.Equal(1, target.Class.Class);
        Assert.Equal(TargetEvidence.MaskShape, target.Evidence);
        Assert.Equal(2 * shapeAlone.PValue, target.PValue, 15);
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

    private static Dictionary<TargetEvidence, bool[]> BySuspicion(bool[] standouts) => new() { [TargetEvidence.Suspicion] = standouts };
}
