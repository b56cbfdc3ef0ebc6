namespace OnnxCd.Runtime.Detection;

/// <summary>
/// Detection quality of suspicion scores (larger = more suspicious) against ground truth:
/// AUROC, average precision (AUPRC), TPR at fixed FPRs, and the ROC curve.
/// </summary>
/// <param name="Positives">Poisoned samples.</param>
/// <param name="Negatives">Clean samples.</param>
/// <param name="Auroc">Area under the ROC curve (ties count half).</param>
/// <param name="Auprc">Average precision: Σ (Rₙ − Rₙ₋₁)·Pₙ over thresholds, as scikit-learn's average_precision_score.</param>
/// <param name="TprAtFpr">The best TPR whose FPR does not exceed 1%, 5% and 10%.</param>
/// <param name="Roc">The ROC curve, from (0,0) to (1,1).</param>
public sealed record DetectionMetrics(long Positives, long Negatives, double Auroc, double Auprc, IReadOnlyDictionary<string, double> TprAtFpr, IReadOnlyList<RocPoint> Roc)
{
    /// <summary>Computes the metrics for suspicion scores (larger = more suspicious) and truth (true = poisoned).</summary>
    /// <exception cref="ArgumentException">Truth has only one class.</exception>
    public static DetectionMetrics Compute(IReadOnlyList<double> suspicion, IReadOnlyList<bool> poisoned)
    {
        long positives = poisoned.Count(p => p), negatives = poisoned.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException($"Ground truth marks {positives} of {poisoned.Count} samples as poisoned; AUROC needs both poisoned and clean samples.");
        }

        // Walk from the most suspicious down, one threshold per distinct suspicion.
        var order = Enumerable.Range(0, suspicion.Count).OrderByDescending(i => suspicion[i]).ToArray();
        var roc = new List<RocPoint> { new(0, 0) };
        double tp = 0, fp = 0, auroc = 0, auprc = 0;
        for (var i = 0; i < order.Length;)
        {
            double groupTp = 0, groupFp = 0;
            var score = suspicion[order[i]];
            for (; i < order.Length && suspicion[order[i]] == score; i++)
            {
                if (poisoned[order[i]])
                {
                    groupTp++;
                }
                else
                {
                    groupFp++;
                }
            }

            auroc += groupFp * (tp + (groupTp / 2));
            tp += groupTp;
            fp += groupFp;
            auprc += groupTp / positives * (tp / (tp + fp));
            roc.Add(new RocPoint(fp / negatives, tp / positives));
        }

        var tprAt = new[] { 0.01, 0.05, 0.10 }.ToDictionary(
            f => $"{f * 100:0}%",
            f => roc.Where(p => p.FalsePositiveRate <= f + 1e-12).Max(p => p.TruePositiveRate));
        return new DetectionMetrics(positives, negatives, auroc / (positives * negatives), auprc, tprAt, roc);
    }

    /// <summary>The confusion counts of a threshold.</summary>
    public static Confusion ConfusionOf(IReadOnlyList<double> suspicion, IReadOnlyList<bool> poisoned, Threshold threshold)
    {
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < suspicion.Count; i++)
        {
            var flagged = threshold.Flags(suspicion[i]);
            if (poisoned[i])
            {
                _ = flagged ? tp++ : fn++;
            }
            else
            {
                _ = flagged ? fp++ : tn++;
            }
        }

        return new Confusion(tp, fp, tn, fn);
    }
}
