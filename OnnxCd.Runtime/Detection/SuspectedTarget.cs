namespace OnnxCd.Runtime.Detection;

/// <summary>The class where flagged samples concentrate: the likely target of a backdoor.</summary>
/// <param name="Class">The class.</param>
/// <param name="FlaggedRate">Its flagged fraction.</param>
/// <param name="OverallRate">The flagged fraction of all samples.</param>
/// <param name="ShareOfFlagged">Its share of all flagged samples.</param>
/// <param name="ExcessFlagged">Its flagged samples beyond what its size predicts: flagged − overall rate · samples.</param>
public sealed record SuspectedTarget(ClassStatistics Class, double FlaggedRate, double OverallRate, double ShareOfFlagged, double ExcessFlagged)
{
    /// <summary>
    /// The class with the most flagged samples beyond its expected count (flagged − overall rate · samples),
    /// or null when nothing is flagged. Poisoned samples all carry the target label, so they add to its
    /// count; the highest flagged rate alone would point at any small class whose clean images happen to
    /// get small masks (Fashion-MNIST bags in probability mode, onnx-models/README.md).
    /// </summary>
    public static SuspectedTarget? Find(IReadOnlyList<ClassStatistics> classes)
    {
        var flagged = classes.Sum(c => c.Flagged);
        var samples = classes.Sum(c => c.Samples);
        if (flagged == 0)
        {
            return null;
        }

        var overall = (double)flagged / samples;
        var top = classes.MaxBy(c => c.Flagged - overall * c.Samples)!;
        return new SuspectedTarget(top, top.FlaggedRate, overall, (double)top.Flagged / flagged, top.Flagged - overall * top.Samples);
    }
}
