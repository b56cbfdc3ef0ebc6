namespace OnnxCd.Runtime.Detectors;

/// <summary>One detector's scores of a scan's samples, and what they cost.</summary>
/// <param name="Kind">The detector.</param>
/// <param name="Scores">One score per sample, larger = more suspicious.</param>
/// <param name="Seconds">The time the detector took, not counting the inputs it shares with others (the feature pass, the classifier's session) nor, for CD, anything but its own runs.</param>
public sealed record DetectorScores(DetectorKind Kind, IReadOnlyList<double> Scores, double Seconds)
{
    /// <summary>The detector's short name (<see cref="DetectorNames"/>).</summary>
    public string Name => DetectorNames.Of(Kind);
}
