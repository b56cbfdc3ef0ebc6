using System.Globalization;

namespace OnnxCd.Runtime.Detection;

/// <summary>A threshold rule and its parameter (k for the mean/median rules, q for the quantile).</summary>
/// <param name="Kind">The rule.</param>
/// <param name="Parameter">k (default 1) or q (default 0.05).</param>
public sealed record ThresholdRule(ThresholdKind Kind, double Parameter)
{
    /// <summary>Parses the command-line names mean-std, mad, quantile and reference.</summary>
    /// <exception cref="ArgumentException">An unknown name or a parameter out of range.</exception>
    public static ThresholdRule Parse(string name, double? parameter)
    {
        var kind = name.ToLowerInvariant() switch
        {
            "mean-std" => ThresholdKind.MeanStd,
            "mad" or "median-mad" => ThresholdKind.MedianMad,
            "quantile" => ThresholdKind.Quantile,
            "reference" => ThresholdKind.Reference,
            _ => throw new SettingException($"{Setting.Threshold} '{name}' is not valid; use mean-std, mad, quantile or reference."),
        };
        var value = parameter ?? (kind == ThresholdKind.Quantile ? 0.05 : 1.0);
        if (kind == ThresholdKind.Quantile ? value is <= 0 or >= 1 : value < 0 || !double.IsFinite(value))
        {
            throw kind == ThresholdKind.Quantile
                ? new SettingException($"{Setting.ThresholdParameter} {value} is not a valid quantile; give q in (0, 1), for example 0.05.")
                : new SettingException($"{Setting.ThresholdParameter} {value} is not valid; give k ≥ 0, for example 1.");
        }

        return new ThresholdRule(kind, value);
    }

    /// <summary>
    /// The threshold for the suspicion scores <paramref name="suspicion"/> (larger = more suspicious; the
    /// clean reference set's for <see cref="ThresholdKind.Reference"/>): mean + k·std, median + k·MAD,
    /// the (1 − q)-quantile (so q is the share flagged), or the reference's mean + k·std.
    /// </summary>
    public Threshold Compute(IReadOnlyList<double> suspicion, IReadOnlyList<double>? reference = null) =>
        Kind != ThresholdKind.Reference ? Over(suspicion, "scanned") : ComputeOnReference(reference ?? []);

    /// <summary>
    /// The threshold from a clean reference set's suspicion scores alone, for a decision made one sample
    /// at a time: the rule applied to the reference (mean-std and reference are then the same rule;
    /// quantile's q is the share of clean samples flagged).
    /// </summary>
    public Threshold ComputeOnReference(IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Count < 2)
        {
            throw new SettingException($"A threshold learned from a clean reference set ({Setting.Reference}) needs the scores of at least 2 readable samples; it has {reference.Count}.");
        }

        return Over(reference, "clean reference");
    }

    private Threshold Over(IReadOnlyList<double> scores, string population)
    {
        var k = Parameter.ToString("G4", CultureInfo.InvariantCulture);
        return Kind switch
        {
            ThresholdKind.MedianMad => new Threshold($"median + {k}·MAD of {scores.Count} {population} suspicion scores (MAD scaled by 1.4826)", Statistics.Median(scores) + (Parameter * Statistics.ScaledMad(scores))),
            ThresholdKind.Quantile => new Threshold($"top {k} of {scores.Count} {population} suspicion scores ((1 − {k})-quantile)", Statistics.Quantile(scores, 1 - Parameter)),
            _ => new Threshold($"mean + {k}·std of {scores.Count} {population} suspicion scores", Statistics.Mean(scores) + (Parameter * Statistics.SampleStd(scores))),
        };
    }
}
