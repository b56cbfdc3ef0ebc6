using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace OnnxCd.Runtime.Detection;

/// <summary>
/// k-means as the detection rules use it (ML.NET's, k-means++ starts, one thread, fixed seeds): the same
/// clusters on every run of the same points. With several starts, the clustering of least inertia (sum of
/// squared distances to the cluster means) wins: one start can settle on a cluster of a few outliers.
/// </summary>
internal static class KMeansClustering
{
    /// <summary>The 0-based cluster of each point, the best of <paramref name="starts"/> seeded runs; every point in cluster 0 when the points hold fewer than <paramref name="k"/> distinct values.</summary>
    public static int[] Cluster(IReadOnlyList<float[]> points, int k, int starts = 1)
    {
        var distinct = new List<float[]>(k);
        foreach (var point in points.TakeWhile(_ => distinct.Count < k))
        {
            if (!distinct.Exists(d => d.AsSpan().SequenceEqual(point)))
            {
                distinct.Add(point);
            }
        }

        if (distinct.Count < k)
        {
            return new int[points.Count];
        }

        return Enumerable.Range(0, starts).Select(seed => Run(points, k, seed)).MinBy(labels => Inertia(points, labels, k))!;
    }

    /// <summary>Σ over points of the squared distance to their cluster's mean.</summary>
    private static double Inertia(IReadOnlyList<float[]> points, int[] labels, int k)
    {
        var width = points[0].Length;
        var sums = new double[k, width];
        var counts = new int[k];
        for (var i = 0; i < points.Count; i++)
        {
            counts[labels[i]]++;
            for (var d = 0; d < width; d++)
            {
                sums[labels[i], d] += points[i][d];
            }
        }

        double inertia = 0;
        for (var i = 0; i < points.Count; i++)
        {
            for (var d = 0; d < width; d++)
            {
                var difference = points[i][d] - (sums[labels[i], d] / counts[labels[i]]);
                inertia += difference * difference;
            }
        }

        return inertia;
    }

    /// <summary>One ML.NET k-means run from k-means++ starts drawn with <paramref name="seed"/>.</summary>
    private static int[] Run(IReadOnlyList<float[]> points, int k, int seed)
    {
        var ml = new MLContext(seed: seed);
        var schema = SchemaDefinition.Create(typeof(Point));
        schema[nameof(Point.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, points[0].Length);
        var data = ml.Data.LoadFromEnumerable(points.Select(p => new Point { Features = p }), schema);
        var trainer = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            FeatureColumnName = nameof(Point.Features),
            NumberOfClusters = k,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
            NumberOfThreads = 1,
        });
        var assigned = ml.Data.CreateEnumerable<Assignment>(trainer.Fit(data).Transform(data), reuseRowObject: false);
        // ML.NET numbers clusters from 1.
        return assigned.Select(a => (int)a.PredictedLabel - 1).ToArray();
    }

    private sealed class Point
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class Assignment
    {
        public uint PredictedLabel { get; set; }
    }
}
