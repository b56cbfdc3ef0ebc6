using OnnxCd.Runtime.Detection;

namespace OnnxCd.Runtime.Detectors;

/// <summary>
/// Activation Clustering (Chen et al. 2018). Per class: the penultimate features are standardised and
/// projected on their first <see cref="Components"/> principal components (PCA, where the original uses
/// ICA: the same reduction the feature split uses), and split by 2-means. Poisons gather in the smaller
/// cluster. A sample scores (1 − r) · d′ / (d + d′), r its cluster's share of the class, d and d′ its
/// distances to its own and to the other centre: the small cluster's share sets the level, and how firmly
/// the sample sits in its cluster orders the samples within it. A class of fewer than 4 samples scores 0.
/// </summary>
public sealed class ActivationClustering : IDetector
{
    /// <summary>The principal components each class is projected on.</summary>
    public const int Components = 10;

    /// <summary>The k-means runs each class's split is the best of.</summary>
    public const int Starts = 10;

    /// <inheritdoc/>
    public DetectorKind Kind => DetectorKind.ActivationClustering;

    /// <inheritdoc/>
    public double[] Score(DetectorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var features = inputs.RequireFeatures(Kind);
        var scores = new double[features.Count];
        foreach (var members in inputs.ByClass().Where(m => m.Count >= 4))
        {
            var own = members.Select(i => features[i]).ToList();
            // The projection is fitted on an even subsample of at most FeatureSplits.MaximumFitted samples.
            var step = (own.Count + FeatureSplits.MaximumFitted - 1) / FeatureSplits.MaximumFitted;
            var projection = PrincipalProjection.Fit(own.Where((_, i) => i % step == 0).ToList(), Components);
            var points = own.Select(f => projection.Apply(f).Select(v => (float)v).ToArray()).ToList();
            var clusters = KMeansClustering.Cluster(points, 2, Starts);
            var sizes = new[] { clusters.Count(c => c == 0), clusters.Count(c => c == 1) };
            var centres = Enumerable.Range(0, 2).Select(k => Centre(points, clusters, k)).ToArray();
            for (var k = 0; k < members.Count; k++)
            {
                var c = clusters[k];
                var (near, far) = (Distance(points[k], centres[c]), Distance(points[k], centres[1 - c]));
                // s = (1 − r) · d′ / (d + d′)
                scores[members[k]] = sizes[1 - c] == 0 ? 0 : (1 - ((double)sizes[c] / members.Count)) * (near + far > 0 ? far / (near + far) : 0.5);
            }
        }

        return scores;
    }

    private static double[] Centre(List<float[]> points, int[] clusters, int k)
    {
        var centre = new double[points[0].Length];
        var count = clusters.Count(c => c == k);
        for (var i = 0; i < points.Count; i++)
        {
            if (clusters[i] == k)
            {
                for (var d = 0; d < centre.Length; d++)
                {
                    centre[d] += points[i][d] / (double)count;
                }
            }
        }

        return centre;
    }

    private static double Distance(float[] point, double[] centre) =>
        Math.Sqrt(centre.Select((c, d) => (point[d] - c) * (point[d] - c)).Sum());
}
