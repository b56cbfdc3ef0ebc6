namespace OnnxCd.Runtime.Detection;

/// <summary>Detection quality against ground truth, as reported (the ROC curve is drawn in the report, not listed).</summary>
/// <param name="Truth">How the truth file was read.</param>
/// <param name="Poisoned">Poisoned samples among those scanned.</param>
/// <param name="Clean">Clean samples among those scanned.</param>
/// <param name="Auroc">AUROC, suspicion = −L1.</param>
/// <param name="Auprc">Average precision.</param>
/// <param name="TprAtFpr">TPR at 1%, 5% and 10% FPR.</param>
/// <param name="Confusion">The chosen rule's confusion counts (poisoned = positive, flagged = predicted positive).</param>
public sealed record TruthMetrics(string Truth, long Poisoned, long Clean, double Auroc, double Auprc, IReadOnlyDictionary<string, double> TprAtFpr, Confusion Confusion);
