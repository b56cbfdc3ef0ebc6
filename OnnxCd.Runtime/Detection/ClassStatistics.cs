namespace OnnxCd.Runtime.Detection;

/// <summary>Scores and flags of one class (by label, or by predicted label when the data has none).</summary>
/// <param name="Class">The class index.</param>
/// <param name="Name">The class name when known, else the index.</param>
/// <param name="Samples">Readable samples in the class.</param>
/// <param name="Flagged">How many of them are flagged.</param>
/// <param name="Standouts">How many of them stand out within the class, by each evidence weighed (<see cref="ClassStandouts"/>): what names a target class.</param>
/// <param name="MeanScore">Mean L1.</param>
/// <param name="MedianScore">Median L1.</param>
/// <param name="Poisoned">Poisoned samples in the class, when ground truth is known.</param>
public sealed record ClassStatistics(long Class, string Name, long Samples, long Flagged, IReadOnlyDictionary<TargetEvidence, long> Standouts, double MeanScore, double MedianScore, long? Poisoned)
{
    /// <summary>The flagged fraction of the class.</summary>
    public double FlaggedRate => Samples == 0 ? 0 : (double)Flagged / Samples;

    /// <summary>The fraction of the class that stands out within it by <paramref name="evidence"/>.</summary>
    public double StandoutRate(TargetEvidence evidence) => Samples == 0 ? 0 : (double)Standouts[evidence] / Samples;

    /// <summary>Per-class statistics, classes in ascending order.</summary>
    /// <param name="classes">Each sample's class.</param>
    /// <param name="scores">Each sample's L1.</param>
    /// <param name="flagged">Whether each sample is flagged.</param>
    /// <param name="standouts">Whether each sample stands out within its class, by each evidence weighed (<see cref="ClassStandouts"/>).</param>
    /// <param name="poisoned">Whether each sample is poisoned, when ground truth is known.</param>
    /// <param name="names">The class names, when known.</param>
    public static IReadOnlyList<ClassStatistics> Compute(IReadOnlyList<long> classes, IReadOnlyList<double> scores, IReadOnlyList<bool> flagged, IReadOnlyDictionary<TargetEvidence, bool[]> standouts, IReadOnlyList<bool>? poisoned, IReadOnlyList<string>? names)
    {
        var tallies = new SortedDictionary<long, Tally>();
        for (var i = 0; i < classes.Count; i++)
        {
            if (!tallies.TryGetValue(classes[i], out var tally))
            {
                tallies[classes[i]] = tally = new Tally();
            }

            tally.Scores.Add(scores[i]);
            tally.Flagged += flagged[i] ? 1 : 0;
            foreach (var (evidence, stands) in standouts)
            {
                tally.Standouts[evidence] = tally.Standouts.GetValueOrDefault(evidence) + (stands[i] ? 1 : 0);
            }

            tally.Poisoned += poisoned is not null && poisoned[i] ? 1 : 0;
        }

        return tallies.Select(pair =>
        {
            var (c, tally) = (pair.Key, pair.Value);
            var name = names is not null && c >= 0 && c < names.Count ? names[(int)c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var mean = tally.Scores.Average();
            tally.Scores.Sort();
            return new ClassStatistics(c, name, tally.Scores.Count, tally.Flagged, tally.Standouts, mean, Statistics.QuantileOfSorted(tally.Scores, 0.5), poisoned is null ? null : tally.Poisoned);
        }).ToList();
    }

    /// <summary>One class's scores in sample order, and its counts.</summary>
    private sealed class Tally
    {
        public List<double> Scores { get; } = [];

        public long Flagged { get; set; }

        public Dictionary<TargetEvidence, long> Standouts { get; } = [];

        public long Poisoned { get; set; }
    }
}
