using MathNet.Numerics;

namespace OnnxCd.Runtime.Detection;

/// <summary>The class where samples that stand out within their class concentrate: the likely target of a backdoor.</summary>
/// <param name="Class">The class.</param>
/// <param name="Evidence">What the samples stand out by (of the evidences weighed, the one that named the class).</param>
/// <param name="StandoutRate">The fraction of the class that stands out (<see cref="ClassStandouts"/>).</param>
/// <param name="OverallRate">The fraction of all samples that stand out.</param>
/// <param name="ShareOfStandouts">Its share of all samples that stand out.</param>
/// <param name="ExcessStandouts">Its samples that stand out beyond what its size predicts: standouts − overall rate · samples.</param>
/// <param name="OthersRate">The fraction of all other classes together that stands out.</param>
/// <param name="PValue">
/// The chance of at least this many of its samples standing out at <paramref name="OthersRate"/> (binomial
/// upper tail), times the number of classes and of evidences weighed (Bonferroni: any class could have been
/// the top one, under any evidence).
/// </param>
public sealed record SuspectedTarget(ClassStatistics Class, TargetEvidence Evidence, double StandoutRate, double OverallRate, double ShareOfStandouts, double ExcessStandouts, double OthersRate, double PValue)
{
    /// <summary>The largest <see cref="PValue"/> that names a target; above it the standouts are spread as chance spreads them.</summary>
    public const double SignificanceLevel = 1e-3;

    /// <summary>
    /// How many times the other classes' rate a class's standout rate must be to be named. Clean classes differ
    /// (bags, sandals and shirts have more varied masks than trousers), so on thousands of samples a class can be
    /// significant by its nature alone. On the shipped scans such classes stood out at most 3.3 times as often as
    /// the others and poisoned target classes at least 4.2 times; on models retrained with another seed the gap
    /// closed (targets from 2.5 times, a clean class up to 16.6), so it trades missed targets for fewer wrong
    /// ones (onnx-models/README.md).
    /// </summary>
    public const double MinimumRateRatio = 3.5;

    /// <summary>Its standout rate over the other classes' (infinite when no other sample stands out).</summary>
    public double RateRatio => OthersRate > 0 ? StandoutRate / OthersRate : double.PositiveInfinity;

    /// <summary>
    /// Under each evidence the classes carry (<see cref="ClassStatistics.Standouts"/>), the class with the most
    /// samples standing out beyond its expected count (standouts − overall rate · samples); of those, the one
    /// whose count is least likely at the other classes' rate, named when that is significant (<see cref="PValue"/>
    /// at most <see cref="SignificanceLevel"/>) and large (<see cref="RateRatio"/> at least
    /// <see cref="MinimumRateRatio"/>); null when nothing stands out or no class does. Poisoned samples
    /// all carry the target label, so they add to its count; the highest rate alone would point at any small
    /// class. Counting flags of the scan-wide threshold instead would point at a class whose clean images all
    /// get small masks, on a clean model too (onnx-models/README.md).
    /// </summary>
    public static SuspectedTarget? Find(IReadOnlyList<ClassStatistics> classes)
    {
        if (classes.Count < 2)
        {
            return null;
        }

        var evidences = classes[0].Standouts.Keys.Where(e => classes.All(c => c.Standouts.ContainsKey(e))).ToList();
        var best = evidences.Select(e => Test(classes, e)).OfType<SuspectedTarget>().MinBy(t => t.PValue);
        if (best is null)
        {
            return null;
        }

        var corrected = best with { PValue = Math.Min(1, best.PValue * evidences.Count) };
        return corrected.PValue <= SignificanceLevel && corrected.RateRatio >= MinimumRateRatio ? corrected : null;
    }

    /// <summary>The top class under one evidence, with its p-value corrected over the classes only; null when nothing stands out.</summary>
    private static SuspectedTarget? Test(IReadOnlyList<ClassStatistics> classes, TargetEvidence evidence)
    {
        var standouts = classes.Sum(c => c.Standouts[evidence]);
        var samples = classes.Sum(c => c.Samples);
        if (standouts == 0)
        {
            return null;
        }

        var overall = (double)standouts / samples;
        var top = classes.MaxBy(c => c.Standouts[evidence] - overall * c.Samples)!;
        var count = top.Standouts[evidence];
        var others = (double)(standouts - count) / Math.Max(1, samples - top.Samples);
        // P(X ≥ k) for X ~ Binomial(n, others rate) is I_rate(k, n − k + 1), the regularized incomplete beta, which
        // stays exact far in the tail where 1 − CDF rounds to 0; Bonferroni over the classes. The top class has the
        // largest excess of a total excess of 0, so it holds at least one standout (k ≥ 1).
        var pValue = Math.Min(1, SpecialFunctions.BetaRegularized(count, top.Samples - count + 1, others) * classes.Count);
        return new SuspectedTarget(top, evidence, top.StandoutRate(evidence), overall, (double)count / standouts, count - overall * top.Samples, others, pValue);
    }
}
