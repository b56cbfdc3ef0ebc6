namespace OnnxCd.Runtime.Detection;

/// <summary>Suspicion scores (larger = more suspicious) from masks, as <see cref="SuspicionKind"/> defines them.</summary>
public static class Suspicion
{
    /// <summary>The quantile of a class's L1 that <see cref="SuspicionKind.ClassRelative"/> divides by.</summary>
    public const double ClassQuantile = 0.75;

    /// <summary>How much more <see cref="SuspicionKind.SizeAndShape"/> weighs the shape term than the size term.</summary>
    public const double ShapeWeight = 2;

    /// <summary>
    /// The smallest L1 taken as it is: a mask that vanished (L1 → 0) counts as this small, so that its
    /// suspicion stays finite.
    /// </summary>
    public const double SmallestL1 = 1e-6;

    /// <summary>The suspicion kinds that <see cref="NeedsShape"/> holds for, as messages name them.</summary>
    public const string ShapeKindsNamed = "mask-family and size-and-shape suspicion";

    /// <summary>Whether <paramref name="kind"/> needs each sample's CD-L mask shape (<see cref="MaskShapes"/>) besides its L1.</summary>
    public static bool NeedsShape(SuspicionKind kind) => kind is SuspicionKind.SizeAndShape or SuspicionKind.SizeShapeFamily;

    /// <summary>Whether <paramref name="kind"/> needs each sample's CD-L mask family (<see cref="MaskFamilies"/>) too.</summary>
    public static bool NeedsFamilies(SuspicionKind kind) => kind == SuspicionKind.SizeShapeFamily;

    /// <summary>The suspicion of each sample.</summary>
    /// <param name="kind">How to score.</param>
    /// <param name="l1">Each sample's mask L1.</param>
    /// <param name="classes">Each sample's class (label, or predicted label); null to treat the samples as one class.</param>
    /// <param name="shape">For <see cref="SuspicionKind.SizeAndShape"/> and <see cref="SuspicionKind.SizeShapeFamily"/>: each sample's CD-L mask distance from its class's (<see cref="MaskShapes.Distances"/>).</param>
    /// <param name="families">For <see cref="SuspicionKind.SizeShapeFamily"/>: each sample's CD-L mask family (<see cref="MaskFamilies.Assign"/>).</param>
    public static double[] Compute(SuspicionKind kind, IReadOnlyList<double> l1, IReadOnlyList<long>? classes, IReadOnlyList<double>? shape = null, IReadOnlyList<long>? families = null)
    {
        ArgumentNullException.ThrowIfNull(l1);
        if (classes is not null && classes.Count != l1.Count)
        {
            throw new ArgumentException($"{classes.Count} classes for {l1.Count} scores.", nameof(classes));
        }

        switch (kind)
        {
            case SuspicionKind.MaskSize:
                return l1.Select(v => -v).ToArray();
            case SuspicionKind.SizeAndShape:
                return SizeAndShape(l1, shape);
            case SuspicionKind.SizeShapeFamily:
                return WithinFamilies(SizeAndShape(l1, shape), families ?? []);
            default:
                // ln q(c) − ln L1, with q(c) the class's 0.75-quantile.
                var scale = ClassScales(l1, classes);
                return Enumerable.Range(0, l1.Count).Select(i => scale[classes?[i] ?? 0] - LogL1(l1[i])).ToArray();
        }
    }

    /// <summary><see cref="SuspicionKind.SizeShapeFamily"/> from each sample's own <see cref="SuspicionKind.SizeAndShape"/> suspicion S.</summary>
    /// <param name="sizeAndShape">Each sample's size-and-shape suspicion S.</param>
    /// <param name="families">Each sample's CD-L mask family (<see cref="MaskFamilies.Assign"/>).</param>
    public static double[] WithinFamilies(IReadOnlyList<double> sizeAndShape, IReadOnlyList<long> families)
    {
        ArgumentNullException.ThrowIfNull(sizeAndShape);
        ArgumentNullException.ThrowIfNull(families);
        if (families.Count != sizeAndShape.Count)
        {
            throw new ArgumentException($"Size-shape-family suspicion needs one mask family per score ({sizeAndShape.Count}); got {families.Count}.", nameof(families));
        }

        // z(S) + mean(z(S) over the family).
        return MaskFamilies.AddFamilyMean(RobustZ(sizeAndShape), families);
    }

    /// <summary>z(−ln L1) + w·z(d) (<see cref="SuspicionKind.SizeAndShape"/>).</summary>
    private static double[] SizeAndShape(IReadOnlyList<double> l1, IReadOnlyList<double>? shape)
    {
        if (shape is null || shape.Count != l1.Count)
        {
            throw new ArgumentException($"Size-and-shape suspicion needs one shape distance per score ({l1.Count}); got {shape?.Count ?? 0}.", nameof(shape));
        }

        var size = RobustZ(l1.Select(v => -LogL1(v)).ToList());
        var form = RobustZ(shape);
        return Enumerable.Range(0, l1.Count).Select(i => size[i] + (ShapeWeight * form[i])).ToArray();
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

    /// <summary>
    /// (v − median) / spread, the spread being the scaled MAD, or the standard deviation where more than
    /// half the values tie (MAD 0), or 1 where all do: a few extreme values (the poisons) barely move it.
    /// </summary>
    internal static double[] RobustZ(IReadOnlyList<double> values)
    {
        var median = Statistics.Median(values);
        var mad = Statistics.ScaledMad(values);
        var spread = mad > 0 ? mad : Statistics.SampleStd(values) is > 0 and var std ? std : 1;
        return values.Select(v => (v - median) / spread).ToArray();
    }
}
