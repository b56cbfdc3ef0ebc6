using OnnxCd.Runtime.Detection;

namespace OnnxCd.Runtime.Detectors;

/// <summary>What one detector found in a scan, as summary.json and the report give it.</summary>
/// <param name="Detector">The detector's short name (<see cref="DetectorNames"/>).</param>
/// <param name="Seconds">The time it took (<see cref="DetectorScores.Seconds"/>).</param>
/// <param name="Threshold">The scan's flagging rule applied to its scores.</param>
/// <param name="Flagged">The samples it flags under that rule.</param>
/// <param name="Metrics">Its detection quality against ground truth, when given.</param>
public sealed record DetectorResult(string Detector, double Seconds, Threshold Threshold, long Flagged, TruthMetrics? Metrics);
