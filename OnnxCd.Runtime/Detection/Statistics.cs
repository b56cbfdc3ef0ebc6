namespace OnnxCd.Runtime.Detection;

/// <summary>Summary statistics of score lists.</summary>
internal static class Statistics
{
    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>The sample standard deviation (n − 1 in the denominator).</summary>
    public static double SampleStd(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = Mean(values);
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    public static double Median(IReadOnlyList<double> values) => Quantile(values, 0.5);

    /// <summary>1.4826 · median |v − median|: the MAD scaled to estimate the standard deviation of normal data.</summary>
    public static double ScaledMad(IReadOnlyList<double> values)
    {
        var median = Median(values);
        return 1.4826 * Median(values.Select(v => Math.Abs(v - median)).ToList());
    }

    /// <summary>The q-quantile by linear interpolation between order statistics (numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> values, double q) =>
        values.Count == 0 ? double.NaN : QuantileOfSorted(values.Order().ToArray(), q);

    /// <summary>The q-quantile of values already sorted ascending.</summary>
    public static double QuantileOfSorted(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
