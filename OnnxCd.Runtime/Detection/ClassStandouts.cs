namespace OnnxCd.Runtime.Detection;

/// <summary>
/// The samples that stand out within their own class: the evidence <see cref="SuspectedTarget"/> weighs.
/// A class whose clean images all get small masks (Fashion-MNIST's bags) is flagged as a whole by a
/// scan-wide threshold, on a clean model too; a backdoor's target class holds a group of poisons beside
/// its genuine images, which stands out against the class's own bulk.
/// </summary>
public static class ClassStandouts
{
    /// <summary>The quantile of a class's suspicion taken as where its genuine bulk lies.</summary>
    public const double BulkQuantile = 0.25;

    /// <summary>Where a sample starts to stand out: mean + 1·std, the scan's default flagging rule.</summary>
    private static readonly ThresholdRule s_cut = new(ThresholdKind.MeanStd, 1);

    /// <summary>
    /// By suspicion: each sample's class-centred suspicion s − (q(class) − q(scan)), with q the
    /// <see cref="BulkQuantile"/>, above the mean + 1·std of all class-centred suspicions. Moving each class's
    /// lower quartile onto the scan's removes a class's shift as a whole and keeps a group within it, while
    /// the group is under three quarters of its class.
    /// </summary>
    /// <param name="suspicion">Each sample's suspicion (larger = more suspicious).</param>
    /// <param name="classes">Each sample's class (label, or predicted label).</param>
    public static bool[] BySuspicion(IReadOnlyList<double> suspicion, IReadOnlyList<long> classes)
    {
        ArgumentNullException.ThrowIfNull(suspicion);
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count != suspicion.Count)
        {
            throw new ArgumentException($"{classes.Count} classes for {suspicion.Count} suspicion scores.", nameof(classes));
        }

        var scan = Statistics.Quantile(suspicion, BulkQuantile);
        var offsets = Enumerable.Range(0, suspicion.Count).GroupBy(i => classes[i])
            .ToDictionary(g => g.Key, g => Statistics.Quantile(g.Select(i => suspicion[i]).ToList(), BulkQuantile) - scan);
        // s − (q(class) − q(scan)).
        return Above(Enumerable.Range(0, suspicion.Count).Select(i => suspicion[i] - offsets[classes[i]]).ToList());
    }

    /// <summary>
    /// By CD-L mask shape: each sample's distance d from its class's mean CD-L mask (<see cref="MaskShapes.Distances"/>,
    /// already measured within the class) above the mean + 1·std of all distances. It finds poisons whose masks
    /// keep the object they were drawn from, and do not shrink (low-frequency and warping triggers).
    /// </summary>
    /// <param name="shape">Each sample's CD-L mask distance from its class's.</param>
    public static bool[] ByShape(IReadOnlyList<double> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Above(shape);
    }

    /// <summary>What a sample stands out within its class by, in words ("by suspicion", "by CD-L mask shape").</summary>
    public static string Describe(TargetEvidence evidence) => evidence switch
    {
        TargetEvidence.MaskShape => "by CD-L mask shape",
        _ => "by suspicion",
    };

    private static bool[] Above(IReadOnlyList<double> values) => values.Select(s_cut.Compute(values).Flags).ToArray();
}
