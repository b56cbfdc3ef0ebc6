
namespace OnnxCd.Runtime.Detection;

/// <summary>A threshold and the rule that produced it; a sample is flagged when its suspicion is above <see cref="Value"/>.</summary>
/// <param name="Rule">The rule, written out (for example "mean + 1·std of 2000 scanned suspicion scores").</param>
/// <param name="Value">The threshold.</param>
public sealed record Threshold(string Rule, double Value)
{
    /// <summary>Whether a suspicion score is flagged.</summary>
    public bool Flags(double suspicion) => suspicion > Value;
}
