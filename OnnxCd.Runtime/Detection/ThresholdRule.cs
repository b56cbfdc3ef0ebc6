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
    public Threshold Compute(IReadOnlyList<double> suspicion, IReadOnlyList<double>? reference = null)
    {
        var k = Parameter.ToString("G4", CultureInfo.InvariantCulture);
        switch (Kind)
        {
            case ThresholdKind.MeanStd:
                return new Threshold($"mean + {k}·std of {suspicion.Count} scanned suspicion scores", Statistics.Mean(suspicion) + (Parameter * Statistics.SampleStd(suspicion)));
            case ThresholdKind.MedianMad:
                return new Threshold($"median + {k}·MAD of {suspicion.Count} scanned suspicion scores (MAD scaled by 1.4826)", Statistics.Median(suspicion) + (Parameter * Statistics.ScaledMad(suspicion)));
            case ThresholdKind.Quantile:
                return new Threshold($"top {k} of {suspicion.Count} scanned suspicion scores ((1 − {k})-quantile)", Statistics.Quantile(suspicion, 1 - Parameter));
            default:
                if (reference is null || reference.Count < 2)
                {
                    throw new SettingException($"The reference rule needs the scores of a clean reference set ({Setting.Reference}) with at least 2 readable samples.");
                }

                return new Threshold($"mean + {k}·std of {reference.Count} clean reference suspicion scores", Statistics.Mean(reference) + (Parameter * Statistics.SampleStd(reference)));
        }
    }
}
