namespace OnnxCd.Runtime.Detectors;

/// <summary>
/// The combined detector: each sample's mean over the fused detectors of its fractional rank (its rank among
/// the samples by that detector's score, ties sharing their mean rank, over the sample count), so that
/// detectors on any scale weigh alike and a sample ranked high by most of them ranks high.
/// </summary>
public static class RankFusion
{
    /// <summary>The fused score of each sample; larger = more suspicious.</summary>
    /// <param name="scores">Each fused detector's scores, one per sample in the same order.</param>
    /// <exception cref="ArgumentException">No scores, or scores of different lengths.</exception>
    public static double[] Combine(IReadOnlyList<IReadOnlyList<double>> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0 || scores.Any(s => s.Count != scores[0].Count))
        {
            throw new ArgumentException("Rank fusion needs at least one detector's scores, all of one length.", nameof(scores));
        }

        var fused = new double[scores[0].Count];
        foreach (var detector in scores)
        {
            var ranks = FractionalRanks(detector);
            for (var i = 0; i < fused.Length; i++)
            {
                // f = (1 / D) Σ_d rank_d / n
                fused[i] += ranks[i] / fused.Length / scores.Count;
            }
        }

        return fused;
    }

    /// <summary>1-based ranks in ascending order of score, tied scores sharing their mean rank.</summary>
    internal static double[] FractionalRanks(IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = ((start + end) / 2.0) + 1;
            }

            start = end + 1;
        }

        return ranks;
    }
}
