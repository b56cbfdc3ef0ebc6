using OnnxCd.Runtime.Detection;

namespace OnnxCd.Tests.Detection;

public sealed class FeatureSplitsTests
{
    private const int Width = 12;

    /// <summary><paramref name="count"/> points around <paramref name="centre"/> (each coordinate plus a standard normal draw), seeded.</summary>
    private static IEnumerable<float[]> Blob(Random random, double[] centre, int count) =>
        Enumerable.Range(0, count).Select(_ => centre.Select(c => (float)(c + Normal(random))).ToArray());

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>The centre of kind <paramref name="kind"/>: the origin for 0, else 8·sin(kind·(d + 1)) in each coordinate d, so that every feature moves with the kind, as a network's penultimate features move together.</summary>
    private static double[] At(int kind) => Enumerable.Range(0, Width).Select(d => 8 * Math.Sin(kind * (d + 1))).ToArray();

    /// <summary>Classes of one blob each; <paramref name="natural"/> holds two blobs (a class whose images come in two kinds) and <paramref name="poisoned"/> a second blob of <paramref name="poisons"/> points (a backdoor's), both absent from the reference.</summary>
    private static (List<float[]> Features, List<long> Classes, List<float[]> Reference, List<long> ReferenceClasses, List<bool> Poisoned) Scan(int classes, long? natural, long? poisoned, int poisons, int seed)
    {
        var random = new Random(seed);
        var (features, labels, reference, referenceLabels, truth) = (new List<float[]>(), new List<long>(), new List<float[]>(), new List<long>(), new List<bool>());
        for (var c = 0L; c < classes; c++)
        {
            var kinds = c == natural ? new[] { At(1), At(2) } : new[] { At(0) };
            foreach (var kind in kinds)
            {
                var scanned = Blob(random, kind, 150 / kinds.Length).ToList();
                features.AddRange(scanned);
                labels.AddRange(scanned.Select(_ => c));
                truth.AddRange(scanned.Select(_ => false));
                var clean = Blob(random, kind, 40 / kinds.Length).ToList();
                reference.AddRange(clean);
                referenceLabels.AddRange(clean.Select(_ => c));
            }

            if (c == poisoned)
            {
                var trigger = Blob(random, At(3), poisons).ToList();
                features.AddRange(trigger);
                labels.AddRange(trigger.Select(_ => c));
                truth.AddRange(trigger.Select(_ => true));
            }
        }

        return (features, labels, reference, referenceLabels, truth);
    }

    [Fact]
    public void Silhouette_OfTwoPairsOnALine_IsTheHandComputedValue()
    {
        // Points 0, 1, 10, 11 (one feature): for 0, a = 1 and b = (10 + 11)/2, s = 9.5/10.5; for 1, a = 1 and
        // b = 9.5, s = 8.5/9.5; 10 and 11 mirror them. Standardising and projecting scale every distance alike.
        float[][] features = [[0f], [1f], [10f], [11f]];

        var (split, _) = FeatureSplits.Compute(features, [0L, 0, 0, 0], null);

        var expected = ((9.5 / 10.5) + (8.5 / 9.5)) / 2;
        Assert.Equal(expected, Assert.Single(split.Classes).Silhouette, 9);
        Assert.Equal(FeatureSplitRegime.None, split.Regime);
    }

    [Fact]
    public void EveryClassSplitting_ReadsAsAllToAll_AndTheMarginsPointAtEachClassesSmallerCluster()
    {
        var random = new Random(1);
        var features = new List<float[]>();
        var classes = new List<long>();
        var small = new List<bool>();
        for (var c = 0L; c < 4; c++)
        {
            // 120 clean samples and 30 poisons drawn from elsewhere in every class.
            foreach (var (centre, count, isSmall) in new[] { (At(0), 120, false), (At((int)c + 1), 30, true) })
            {
                var blob = Blob(random, centre, count).ToList();
                features.AddRange(blob);
                classes.AddRange(blob.Select(_ => c));
                small.AddRange(blob.Select(_ => isSmall));
            }
        }

        var (split, placement) = FeatureSplits.Compute(features, classes, null);

        Assert.Equal(FeatureSplitRegime.EveryClassSplits, split.Regime);
        Assert.True(split.MedianSilhouette >= FeatureSplits.EveryClassSplits, $"median silhouette {split.MedianSilhouette}");
        Assert.Null(split.Target);
        Assert.All(Enumerable.Range(0, features.Count), i => Assert.Equal(small[i], placement.Margins[i] > 0));
        // No reference: no sample has a reference distance.
        Assert.All(placement.ReferenceDistances, d => Assert.True(double.IsNaN(d)));
    }

    [Fact]
    public void CleanReference_NamesThePoisonedClass_AndNotOneWhoseImagesComeInTwoKinds()
    {
        var (features, classes, reference, referenceClasses, truth) = Scan(classes: 6, natural: 2, poisoned: 4, poisons: 20, seed: 2);

        var (split, placement) = FeatureSplits.Compute(features, classes, (reference, referenceClasses));

        Assert.Equal(FeatureSplitRegime.CleanReference, split.Regime);
        Assert.Equal(4, split.Target);
        var poisoned = split.Classes.Single(c => c.Class == 4);
        var natural = split.Classes.Single(c => c.Class == 2);
        // The poisons' cluster holds no reference image: avoidance 0, excess the 20 poisons.
        Assert.Equal(0, poisoned.Avoidance!.Value, 9);
        Assert.Equal(20, poisoned.Excess!.Value, 9);
        // Class 2's two kinds split it clearly (as clearly as all-to-all poisons split a class), but the reference fills both.
        Assert.True(natural.Silhouette > FeatureSplits.EveryClassSplits, $"natural silhouette {natural.Silhouette}");
        Assert.True(natural.Avoidance > FeatureSplits.Avoided, $"natural avoidance {natural.Avoidance}");
        Assert.Equal(40, natural.ReferenceSamples);
        // In the named class, every poison lies further from the clean images than every clean sample.
        var members = Enumerable.Range(0, features.Count).Where(i => classes[i] == 4).ToList();
        var nearestPoison = members.Where(i => truth[i]).Min(i => placement.ReferenceDistances[i]);
        var furthestClean = members.Where(i => !truth[i]).Max(i => placement.ReferenceDistances[i]);
        Assert.True(nearestPoison > furthestClean, $"nearest poison {nearestPoison}, furthest clean sample {furthestClean}");
    }

    [Fact]
    public void ReferenceDistance_IsTheMeanDistanceToTheNearestCleanImages_InTheSplitSpace()
    {
        // One feature: the class 0, 1, 10, 11 standardises by its population std σ = √25.25, and projecting a
        // single feature keeps distances. Of five clean images at 0 and five at 1, the five nearest to 0 are those
        // at 0 (distance 0), to 1 those at 1 (0), to 10 and to 11 those at 1 (9/σ and 10/σ each).
        float[][] features = [[0f], [1f], [10f], [11f]];
        float[][] reference = [[0f], [0f], [0f], [0f], [0f], [1f], [1f], [1f], [1f], [1f]];

        var (_, placement) = FeatureSplits.Compute(features, [0L, 0, 0, 0], (reference, reference.Select(_ => 0L).ToList()));

        var sigma = Math.Sqrt(25.25);
        Assert.Equal(5, FeatureSplits.NearestReference);
        double[] expected = [0, 0, 9 / sigma, 10 / sigma];
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(expected[i], placement.ReferenceDistances[i], 6));
    }

    [Fact]
    public void CleanReference_OnACleanScan_NamesNoClass()
    {
        var (features, classes, reference, referenceClasses, _) = Scan(classes: 6, natural: 2, poisoned: null, poisons: 0, seed: 3);

        var (split, _) = FeatureSplits.Compute(features, classes, (reference, referenceClasses));

        Assert.Equal(FeatureSplitRegime.CleanReference, split.Regime);
        Assert.Null(split.Target);
        Assert.All(split.Classes, c => Assert.True(c.Avoidance >= FeatureSplits.Avoided, $"class {c.Class}: avoidance {c.Avoidance}"));
    }

    [Fact]
    public void AClassWithTooFewReferenceImages_HasNoAvoidance_AndIsNotNamed()
    {
        var (features, classes, reference, referenceClasses, _) = Scan(classes: 3, natural: null, poisoned: 1, poisons: 20, seed: 4);
        var few = Enumerable.Range(0, reference.Count).Where(i => referenceClasses[i] != 1 || i % 8 == 0).ToList();

        var (split, _) = FeatureSplits.Compute(features, classes, (few.Select(i => reference[i]).ToList(), few.Select(i => referenceClasses[i]).ToList()));

        var poisoned = split.Classes.Single(c => c.Class == 1);
        Assert.True(poisoned.ReferenceSamples < FeatureSplits.MinimumReference);
        Assert.Null(poisoned.Avoidance);
        Assert.Null(poisoned.Excess);
        Assert.Null(split.Target);
    }

    [Fact]
    public void Apply_AllToAll_AddsTheScaledMargins_AndTheCleanReference_LiftsItsTarget_ByReferenceDistance()
    {
        double[] suspicion = [1, 2, 3, 6, 4];
        double[] margins = [-1, 1, 2, -2, 0];
        double[] distances = [1, 9, 3, 7, 2];
        long[] classes = [0, 1, 0, 2, 0];
        var placement = new SplitPlacement(margins, distances);
        var every = new FeatureSplit(FeatureSplitRegime.EveryClassSplits, 0.5, [], null);
        var reference = new FeatureSplit(FeatureSplitRegime.CleanReference, 0.2, [], 0);
        var none = new FeatureSplit(FeatureSplitRegime.CleanReference, 0.2, [], null);

        var (all, noLift) = FeatureSplits.Apply(every, suspicion, placement, classes);
        var (lifted, lift) = FeatureSplits.Apply(reference, suspicion, placement, classes);
        var (unchanged, _) = FeatureSplits.Apply(none, suspicion, placement, classes);

        // std of the suspicion √(14.8/4); of the margins √(10/4).
        var (s, m) = (Math.Sqrt(3.7), Math.Sqrt(2.5));
        Assert.Null(noLift);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal((suspicion[i] / s) + (margins[i] / m), all[i], 12));
        Assert.Equal(s, lift!.Value, 12);
        // Class 0's distances 1, 3, 2: median 2, MAD 1, so z = −1, +1, 0 over 1.4826; classes 1 and 2 keep theirs.
        var z = 1 / 1.4826;
        double[] expected = [1 + s - (0.5 * s * z), 2, 3 + s + (0.5 * s * z), 6, 4 + s];
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(expected[i], lifted[i], 12));
        Assert.Equal(suspicion, unchanged);
    }

    [Fact]
    public void Compute_RefusesFeaturesThatDoNotMatchTheClasses()
    {
        var error = Assert.Throws<ArgumentException>(() => FeatureSplits.Compute([[1f], [2f]], [0L], null));

        Assert.Contains("1 classes for 2 feature vectors", error.Message);
    }

    [Fact]
    public void Compute_RefusesFeatureVectorsOfDifferentLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => FeatureSplits.Compute([[1f, 2f], [2f]], [0L, 0L], null));

        Assert.Contains("different lengths", error.Message);
    }
}
