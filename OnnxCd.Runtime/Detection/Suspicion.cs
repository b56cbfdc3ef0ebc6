namespace OnnxCd.Runtime.Detection;

/// <summary>Suspicion scores (larger = more suspicious) from mask sizes, as <see cref="SuspicionKind"/> defines them.</summary>
public static class Suspicion
{
    /// <summary>The quantile of a class's L1 that <see cref="SuspicionKind.ClassRelative"/> divides by.</summary>
    public const double ClassQuantile = 0.75;

    /// <summary>
    /// The smallest L1 taken as it is: a mask that vanished (L1 → 0) counts as this small, so that its
    /// suspicion stays finite.
    /// </summary>
    public const double SmallestL1 = 1e-6;

    /// <summary>The suspicion of each sample.</summary>
    /// <param name="kind">How to score.</param>
    /// <param name="l1">Each sample's mask L1.</param>
    /// <param name="classes">Each sample's class (label, or predicted label); null to treat the samples as one class.</param>
    public static double[] Compute(SuspicionKind kind, IReadOnlyList<double> l1, IReadOnlyList<long>? classes)
    {
        ArgumentNullException.ThrowIfNull(l1);
        if (kind == SuspicionKind.MaskSize)
        {
            return l1.Select(v => -v).ToArray();
        }

        if (classes is not null && classes.Count != l1.Count)
        {
            throw new ArgumentException($"{classes.Count} classes for {l1.Count} scores.", nameof(classes));
        }

        // ln q(c) − ln L1, with q(c) the class's 0.75-quantile.
        var scale = ClassScales(l1, classes);
        return Enumerable.Range(0, l1.Count).Select(i => scale[classes?[i] ?? 0] - LogL1(l1[i])).ToArray();
    }

    /// <summary>ln q(c) of each class for <see cref="SuspicionKind.ClassRelative"/>: the log of the class's 0.75-quantile L1 (at least <see cref="SmallestL1"/>).</summary>
    /// <param name="l1">Each sample's mask L1.</param>
    /// <param name="classes">Each sample's class; null for one class, numbered 0.</param>
    public static Dictionary<long, double> ClassScales(IReadOnlyList<double> l1, IReadOnlyList<long>? classes)
    {
        ArgumentNullException.ThrowIfNull(l1);
        return Enumerable.Range(0, l1.Count).GroupBy(i => classes?[i] ?? 0)
            .ToDictionary(g => g.Key, g => LogL1(Statistics.Quantile(g.Select(i => l1[i]).ToList(), ClassQuantile)));
    }

    /// <summary>ln L1, with L1 taken as at least <see cref="SmallestL1"/>.</summary>
    public static double LogL1(double l1) => Math.Log(Math.Max(SmallestL1, l1));
}
