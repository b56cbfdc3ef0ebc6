namespace OnnxCd.Runtime.Detection;

/// <summary>What the split of each class's penultimate features says about a scan (<see cref="FeatureSplits"/>).</summary>
/// <param name="Regime">What it decided.</param>
/// <param name="MedianSilhouette">The median over the classes of their split's silhouette.</param>
/// <param name="Classes">Each class's split, classes in ascending order.</param>
/// <param name="Target">The target class the clean reference named, in <see cref="FeatureSplitRegime.CleanReference"/>; else null.</param>
public sealed record FeatureSplit(FeatureSplitRegime Regime, double MedianSilhouette, IReadOnlyList<ClassSplit> Classes, long? Target)
{
    /// <summary>The class a scan names as the target: the split's when it decided (<paramref name="split"/> in a regime other than <see cref="FeatureSplitRegime.None"/>), else the suspected target's; null for none.</summary>
    public static long? TargetOf(FeatureSplit? split, SuspectedTarget? suspected) =>
        split is { Regime: not FeatureSplitRegime.None } ? split.Target : suspected?.Class.Class;
}
