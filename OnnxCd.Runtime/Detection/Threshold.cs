
namespace OnnxCd.Runtime.Detection;

/// <summary>A threshold and the rule that produced it; a sample is flagged when its score is below <see cref="Value"/>.</summary>
/// <param name="Rule">The rule, written out (for example "mean − 1·std of 2000 scanned scores").</param>
/// <param name="Value">The threshold.</param>
public sealed record Threshold(string Rule, double Value)
{
    /// <summary>Whether a score is flagged as suspicious.</summary>
    public bool Flags(double score) => score < Value;
}
