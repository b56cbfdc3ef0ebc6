namespace OnnxCd.Runtime.Detection;

/// <summary>How one class's penultimate features split in two (<see cref="FeatureSplits"/>).</summary>
/// <param name="Class">The class.</param>
/// <param name="Samples">Its scanned samples.</param>
/// <param name="Silhouette">The silhouette of its 2-means split: near 1 for two well-separated groups, near 0 for one.</param>
/// <param name="ReferenceSamples">Its samples in the clean reference set.</param>
/// <param name="Avoidance">
/// Of its two clusters, the smaller ratio of the reference's share in the cluster to the scan's share: near 1
/// when clean images fill both as the scanned ones do, near 0 when one holds samples unlike any clean one.
/// Null without at least <see cref="FeatureSplits.MinimumReference"/> reference samples of the class.
/// </param>
/// <param name="Excess">How many scanned samples the avoided cluster holds beyond the reference's share of it; null with <paramref name="Avoidance"/>.</param>
public sealed record ClassSplit(long Class, long Samples, double Silhouette, long ReferenceSamples, double? Avoidance, double? Excess);
