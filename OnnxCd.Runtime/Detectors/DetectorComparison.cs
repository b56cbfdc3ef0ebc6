using OnnxCd.Runtime.Detection;

namespace OnnxCd.Runtime.Detectors;

/// <summary>
/// The detectors of one scan side by side: each one's flags under the scan's threshold rule and its metrics
/// against ground truth, and where they agree: for each pair, how many of the first one's top k samples are
/// also among the second one's top k, with k the number CD flags.
/// </summary>
/// <param name="Detectors">Each detector's result, in the order chosen.</param>
/// <param name="TopK">The k of the agreement table.</param>
/// <param name="Agreement">Agreement[i][j]: how many of detector i's top k are among detector j's top k.</param>
/// <param name="TopPoisoned">How many of each detector's top k are poisoned, when ground truth is known.</param>
/// <param name="FeatureSeconds">The forward pass to the penultimate features the feature detectors share, or null when none ran.</param>
public sealed record DetectorComparison(IReadOnlyList<DetectorResult> Detectors, int TopK, IReadOnlyList<IReadOnlyList<int>> Agreement, IReadOnlyList<int>? TopPoisoned, double? FeatureSeconds)
{
    /// <summary>Compares the detectors' scores.</summary>
    /// <param name="scores">Each detector's scores; CD's among them.</param>
    /// <param name="rule">The scan's threshold rule, applied to each detector's scores beside CD; the reference rule, which needs each detector's scores of the clean reference set, is applied as mean-std with its k.</param>
    /// <param name="cdThreshold">The threshold the scan flags CD's suspicion by; the number it flags is the k of the agreement table.</param>
    /// <param name="poisoned">The ground truth of each sample, or null.</param>
    /// <param name="truth">How the truth was read, for the metrics.</param>
    /// <param name="featureSeconds">The shared feature pass's time, or null.</param>
    public static DetectorComparison Compute(IReadOnlyList<DetectorScores> scores, ThresholdRule rule, Threshold cdThreshold, IReadOnlyList<bool>? poisoned, string? truth, double? featureSeconds)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(cdThreshold);
        var own = rule.Kind == ThresholdKind.Reference ? rule with { Kind = ThresholdKind.MeanStd } : rule;
        var hasTruth = poisoned is not null && poisoned.Contains(true) && poisoned.Contains(false);
        var results = scores.Select(s =>
        {
            var threshold = s.Kind == DetectorKind.Cd ? cdThreshold : own.Compute(s.Scores);
            TruthMetrics? metrics = null;
            if (hasTruth)
            {
                var m = DetectionMetrics.Compute(s.Scores, poisoned!);
                metrics = new TruthMetrics(truth ?? string.Empty, m.Positives, m.Negatives, m.Auroc, m.Auprc, m.TprAtFpr, DetectionMetrics.ConfusionOf(s.Scores, poisoned!, threshold));
            }

            return new DetectorResult(s.Name, s.Seconds, threshold, s.Scores.Count(threshold.Flags), metrics);
        }).ToList();

        var cdFlagged = results.FirstOrDefault(r => r.Detector == DetectorNames.Of(DetectorKind.Cd))?.Flagged ?? 1;
        var k = (int)Math.Clamp(cdFlagged, 1, scores.Count == 0 ? 1 : Math.Max(1, scores[0].Scores.Count));
        var tops = scores.Select(s => Top(s.Scores, k)).ToList();
        var agreement = tops.Select(a => (IReadOnlyList<int>)tops.Select(b => a.Count(b.Contains)).ToList()).ToList();
        var topPoisoned = hasTruth ? tops.Select(t => t.Count(i => poisoned![i])).ToList() : null;
        return new DetectorComparison(results, k, agreement, topPoisoned, featureSeconds);
    }

    /// <summary>The positions of the <paramref name="k"/> largest scores, ties taken in sample order.</summary>
    internal static HashSet<int> Top(IReadOnlyList<double> scores, int k) =>
        [.. Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).Take(k)];
}
