using MathNet.Numerics.Distributions;

namespace OnnxCd.Runtime.Detection;

/// <summary>The class where flagged samples concentrate: the likely target of a backdoor.</summary>
/// <param name="Class">The class.</param>
/// <param name="FlaggedRate">Its flagged fraction.</param>
/// <param name="OverallRate">The flagged fraction of all samples.</param>
/// <param name="ShareOfFlagged">Its share of all flagged samples.</param>
/// <param name="ExcessFlagged">Its flagged samples beyond what its size predicts: flagged − overall rate · samples.</param>
/// <param name="OthersRate">The flagged fraction of all other classes together.</param>
/// <param name="PValue">
/// The chance of flagging at least this many of its samples at <paramref name="OthersRate"/> (binomial
/// upper tail), times the number of classes (Bonferroni: any class could have been the top one).
/// </param>
public sealed record SuspectedTarget(ClassStatistics Class, double FlaggedRate, double OverallRate, double ShareOfFlagged, double ExcessFlagged, double OthersRate, double PValue)
{
    /// <summary>The largest <see cref="PValue"/> that names a target; above it the flags are spread as chance spreads them.</summary>
    public const double SignificanceLevel = 1e-3;

    /// <summary>
    /// The class with the most flagged samples beyond its expected count (flagged − overall rate · samples),
    /// when its count is significant against the other classes' flagged rate (<see cref="PValue"/> at most
    /// <see cref="SignificanceLevel"/>); null when nothing is flagged or no class stands out. Poisoned
    /// samples all carry the target label, so they add to its count; the highest flagged rate alone would
    /// point at any small class whose clean images happen to get small masks. The test takes clean
    /// classes to be flagged at one rate; a class whose clean masks are small anyway (Fashion-MNIST bags)
    /// can still stand out, on a clean model too (onnx-models/README.md).
    /// </summary>
    public static SuspectedTarget? Find(IReadOnlyList<ClassStatistics> classes)
    {
        var flagged = classes.Sum(c => c.Flagged);
        var samples = classes.Sum(c => c.Samples);
        if (flagged == 0 || classes.Count < 2)
        {
            return null;
        }

        var overall = (double)flagged / samples;
        var top = classes.MaxBy(c => c.Flagged - overall * c.Samples)!;
        var others = (double)(flagged - top.Flagged) / Math.Max(1, samples - top.Samples);
        // P(X ≥ flagged) for X ~ Binomial(samples, others rate), Bonferroni over the classes; the top class
        // has the largest excess of a total excess of 0, so it holds at least one flagged sample.
        var pValue = Math.Min(1, (1 - Binomial.CDF(others, (int)top.Samples, top.Flagged - 1)) * classes.Count);
        return pValue > SignificanceLevel ? null
            : new SuspectedTarget(top, top.FlaggedRate, overall, (double)top.Flagged / flagged, top.Flagged - overall * top.Samples, others, pValue);
    }
}
