namespace OnnxCd.Runtime.Detection;

/// <summary>
/// Splits each class's penultimate features in two and reads the splits (onnx-models/README.md, "Feature
/// splits"): per class, the features are standardised, projected on their first <see cref="Components"/>
/// principal components and split by 2-means, and the split's silhouette measured. When the median class
/// splits as well as <see cref="EveryClassSplits"/>, the scan looks all-to-all (every class holds poisons
/// drawn from another). Otherwise, given a clean reference set, each class's reference images go to the
/// nearer of its two clusters: a cluster they avoid (<see cref="ClassSplit.Avoidance"/> below
/// <see cref="Avoided"/>) holds samples unlike clean ones, and the class with the most of them beyond the
/// reference's share is named the target. Within that class, a sample far from every clean reference image of
/// the class is more suspicious than one among them.
/// </summary>
public static class FeatureSplits
{
    /// <summary>The principal components a class's features are projected on.</summary>
    public const int Components = 10;

    /// <summary>The median class silhouette from which a scan reads as all-to-all: 0.46–0.48 on all-to-all, at most 0.25 on every other set of six seeds (onnx-models/README.md).</summary>
    public const double EveryClassSplits = 0.35;

    /// <summary>The avoidance below which a class's split holds samples unlike clean ones: at most 0.25 for the target on all 72 all-to-one sets of six seeds, 0.4 and above for every other class on all but one set (onnx-models/README.md).</summary>
    public const double Avoided = 0.4;

    /// <summary>The fewest reference samples of a class its avoidance is measured with.</summary>
    public const int MinimumReference = 10;

    /// <summary>The clean reference images of its class a sample's reference distance is the mean distance to (the nearest ones).</summary>
    public const int NearestReference = 5;

    /// <summary>What one robust standard deviation of reference distance within the target class adds to a sample's suspicion, in units of the target lift: chosen on seeds 0, 4 and 5 over 1 (37 against 36 of 39 sets at AUROC ≥ 0.95), confirmed on seeds 6 to 8 (onnx-models/README.md).</summary>
    public const double ReferenceWeight = 0.5;

    /// <summary>The k-means runs each class's split is the best of (the study's 10 starts).</summary>
    public const int Starts = 10;

    /// <summary>The most samples of a class the projection, the clusters and the silhouette are fitted on (every other sample is then assigned): an even subsample beyond it.</summary>
    public const int MaximumFitted = 2000;

    /// <summary>Splits each class's features and decides (<see cref="FeatureSplit.Regime"/>); with where each sample lies in its class's split.</summary>
    /// <param name="features">Each scanned sample's features.</param>
    /// <param name="classes">Each scanned sample's class.</param>
    /// <param name="reference">The clean reference set's features and classes, or null.</param>
    /// <exception cref="ArgumentException">The classes do not match the features, or the features differ in length.</exception>
    public static (FeatureSplit Split, SplitPlacement Placement) Compute(IReadOnlyList<float[]> features, IReadOnlyList<long> classes, (IReadOnlyList<float[]> Features, IReadOnlyList<long> Classes)? reference)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count != features.Count || (reference is { } r && r.Classes.Count != r.Features.Count))
        {
            throw new ArgumentException($"{classes.Count} classes for {features.Count} feature vectors.", nameof(classes));
        }

        var width = features.Count > 0 ? features[0].Length : 0;
        if (features.Any(f => f.Length != width) || (reference is { } w && w.Features.Any(f => f.Length != width)))
        {
            throw new ArgumentException($"Feature vectors of different lengths (the first has {width}).", nameof(features));
        }

        var margins = new double[features.Count];
        var splits = new List<ClassSplit>();
        var spaces = new Dictionary<long, (List<int> Members, List<double[]> Scanned, List<double[]> Clean)>();
        var referenceByClass = reference is { } rc ? Enumerable.Range(0, rc.Features.Count).ToLookup(i => rc.Classes[i], i => rc.Features[i]) : null;
        foreach (var members in Enumerable.Range(0, features.Count).GroupBy(i => classes[i]).OrderBy(g => g.Key))
        {
            var own = members.ToList();
            var referenceOwn = referenceByClass?[members.Key].ToList() ?? [];
            if (SplitClass(members.Key, own.Select(i => features[i]).ToList(), referenceOwn) is { } split)
            {
                splits.Add(split.Split);
                spaces[members.Key] = (own, split.Scanned, split.Clean);
                for (var k = 0; k < own.Count; k++)
                {
                    margins[own[k]] = split.Margins[k];
                }
            }
        }

        var median = splits.Count == 0 ? 0 : Statistics.Median(splits.Select(s => s.Silhouette).ToArray());
        var regime = splits.Count > 1 && median >= EveryClassSplits ? FeatureSplitRegime.EveryClassSplits
            : reference is null ? FeatureSplitRegime.None
            : FeatureSplitRegime.CleanReference;
        var target = regime == FeatureSplitRegime.CleanReference
            ? splits.Where(s => s.Avoidance < Avoided).MaxBy(s => s.Excess)?.Class
            : null;

        // Only the named class's distances are used (Apply), so only its samples are measured against its reference.
        var distances = Enumerable.Repeat(double.NaN, features.Count).ToArray();
        if (target is { } named)
        {
            var (members, scanned, clean) = spaces[named];
            for (var k = 0; k < members.Count; k++)
            {
                // d = mean of the k smallest ‖x − reference image‖
                distances[members[k]] = clean.Select(c => Distance(scanned[k], c)).Order().Take(NearestReference).Average();
            }
        }

        return (new FeatureSplit(regime, median, splits, target), new SplitPlacement(margins, distances));
    }

    /// <summary>
    /// The suspicion as the split's regime has it: every class splits → s/std(s) + m/std(m), m the margins;
    /// a clean reference named a target → its samples lifted (<see cref="TargetLift"/>), and each of them further
    /// raised by its reference distance's robust z within the class times <see cref="ReferenceWeight"/> lifts;
    /// else unchanged.
    /// </summary>
    /// <param name="split">The split (<see cref="Compute"/>).</param>
    /// <param name="suspicion">Each sample's suspicion, not lifted.</param>
    /// <param name="placement">Where each sample lies in its class's split (<see cref="Compute"/>).</param>
    /// <param name="classes">Each sample's class.</param>
    public static (double[] Suspicion, double? Lift) Apply(FeatureSplit split, IReadOnlyList<double> suspicion, SplitPlacement placement, IReadOnlyList<long> classes)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(suspicion);
        ArgumentNullException.ThrowIfNull(placement);
        switch (split.Regime)
        {
            case FeatureSplitRegime.EveryClassSplits:
                // s/std(s) + m/std(m)
                var margins = placement.Margins;
                var (s, m) = (Statistics.SampleStd(suspicion), Statistics.SampleStd(margins));
                return (suspicion.Select((v, i) => (s > 0 ? v / s : 0) + (m > 0 ? margins[i] / m : 0)).ToArray(), null);
            case FeatureSplitRegime.CleanReference when split.Target is { } target:
                var (lifted, lift) = TargetLift.Apply(suspicion, classes, target);
                var members = Enumerable.Range(0, classes.Count).Where(i => classes[i] == target).ToList();
                var distances = members.Select(i => placement.ReferenceDistances[i]).ToList();
                var (median, spread) = (Statistics.Median(distances), Statistics.ScaledMad(distances));
                if (spread > 0)
                {
                    foreach (var i in members)
                    {
                        // s + w · std(s) · (d − median(d)) / (1.4826 · MAD(d)), over the target class
                        lifted[i] += ReferenceWeight * lift * (placement.ReferenceDistances[i] - median) / spread;
                    }
                }

                return (lifted, lift);
            default:
                return (suspicion.ToArray(), null);
        }
    }

    /// <summary>One class's split, its samples' margins (each over the class's spread of margins), and its samples and reference images in the split's space (no reference images when it has too few); null for a class too small to split.</summary>
    private static (ClassSplit Split, double[] Margins, List<double[]> Scanned, List<double[]> Clean)? SplitClass(long label, List<float[]> own, List<float[]> reference)
    {
        if (own.Count < 4)
        {
            return null;
        }

        var step = (own.Count + MaximumFitted - 1) / MaximumFitted;
        var projection = PrincipalProjection.Fit(own.Where((_, i) => i % step == 0).ToList(), Components);
        var projected = own.Select(projection.Apply).ToList();
        var points = projected.Where((_, i) => i % step == 0).ToList();
        var clusters = KMeansClustering.Cluster(points.Select(p => p.Select(v => (float)v).ToArray()).ToList(), 2, Starts);
        var centres = Enumerable.Range(0, 2).Select(k => Centre(points.Where((_, i) => clusters[i] == k).ToList(), points[0].Length)).ToArray();
        var silhouette = Silhouette(points, clusters);

        var assigned = projected.Select(p => Nearest(centres, p)).ToList();
        var small = assigned.Count(a => a.Cluster == 1) < assigned.Count(a => a.Cluster == 0) ? 1 : 0;
        // m = ‖x − larger centre‖ − ‖x − smaller centre‖, over the class's std of m
        var raw = assigned.Select(a => a.Distances[1 - small] - a.Distances[small]).ToArray();
        var spread = Statistics.SampleStd(raw);
        var margins = raw.Select(v => spread > 0 ? v / spread : 0).ToArray();

        double? avoidance = null, excess = null;
        var clean = new List<double[]>();
        if (reference.Count >= MinimumReference)
        {
            clean = reference.Select(projection.Apply).ToList();
            var scanShare = Shares(assigned.Select(a => a.Cluster), own.Count);
            var referenceShare = Shares(clean.Select(p => Nearest(centres, p).Cluster), reference.Count);
            // r = min over clusters k of reference share(k) / scan share(k); e = n · (scan share − reference share) in that cluster
            var k = Enumerable.Range(0, 2).Where(c => scanShare[c] > 0).MinBy(c => referenceShare[c] / scanShare[c]);
            avoidance = referenceShare[k] / scanShare[k];
            excess = own.Count * (scanShare[k] - referenceShare[k]);
        }

        return (new ClassSplit(label, own.Count, silhouette, reference.Count, avoidance, excess), margins, projected, clean);
    }

    private static double[] Shares(IEnumerable<int> clusters, int count)
    {
        var shares = new double[2];
        foreach (var c in clusters)
        {
            shares[c] += 1.0 / count;
        }

        return shares;
    }

    private static double[] Centre(List<double[]> members, int width) =>
        members.Count == 0 ? new double[width] : Enumerable.Range(0, width).Select(d => members.Average(p => p[d])).ToArray();

    private static (int Cluster, double[] Distances) Nearest(double[][] centres, double[] point)
    {
        var distances = centres.Select(c => Distance(c, point)).ToArray();
        return (distances[1] < distances[0] ? 1 : 0, distances);
    }

    private static double Distance(double[] a, double[] b)
    {
        double sum = 0;
        for (var d = 0; d < a.Length; d++)
        {
            sum += (a[d] - b[d]) * (a[d] - b[d]);
        }

        return Math.Sqrt(sum);
    }

    /// <summary>The mean silhouette (b − a)/max(a, b) of a 2-cluster assignment: a the mean distance to the own cluster's other points, b to the other cluster's; 0 for a point alone in its cluster, and for one cluster.</summary>
    private static double Silhouette(List<double[]> points, int[] clusters)
    {
        var sizes = new[] { clusters.Count(c => c == 0), clusters.Count(c => c == 1) };
        if (sizes[0] == 0 || sizes[1] == 0)
        {
            return 0;
        }

        double total = 0;
        for (var i = 0; i < points.Count; i++)
        {
            var sums = new double[2];
            for (var j = 0; j < points.Count; j++)
            {
                if (j != i)
                {
                    sums[clusters[j]] += Distance(points[i], points[j]);
                }
            }

            var own = clusters[i];
            if (sizes[own] == 1)
            {
                continue;
            }

            var a = sums[own] / (sizes[own] - 1);
            var b = sums[1 - own] / sizes[1 - own];
            total += Math.Max(a, b) > 0 ? (b - a) / Math.Max(a, b) : 0;
        }

        return total / points.Count;
    }
}
