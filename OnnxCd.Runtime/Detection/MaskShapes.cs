using OnnxCd.Runtime.Data;

namespace OnnxCd.Runtime.Detection;

/// <summary>
/// The shape term of <see cref="SuspicionKind.SizeAndShape"/>: each mask scaled to unit L2 norm, and its
/// distance from the mean unit mask of its class. Two streamed passes over a uint8 mask file, holding one
/// mean mask per class: memory does not grow with the number of samples.
/// </summary>
public static class MaskShapes
{
    /// <summary>Each sample's distance ‖u − ū(c)‖ of its unit mask u from its class's mean unit mask ū(c).</summary>
    /// <param name="masks">A uint8 mask file, one mask per row (as a scan's masks-u8.npy keeps them).</param>
    /// <param name="rows">The row of each sample in <paramref name="masks"/>.</param>
    /// <param name="classes">Each sample's class; null to treat the samples as one class.</param>
    /// <exception cref="ArgumentException">The classes do not match the rows, or a row lies outside the file.</exception>
    public static double[] Distances(NpyRowReader masks, IReadOnlyList<long> rows, IReadOnlyList<long>? classes)
    {
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(rows);
        if (classes is not null && classes.Count != rows.Count)
        {
            throw new ArgumentException($"{classes.Count} classes for {rows.Count} masks.", nameof(classes));
        }

        if (rows.FirstOrDefault(r => r < 0 || r >= masks.Rows, -1) is var outside and >= 0)
        {
            throw new ArgumentException($"Row {outside} lies outside the {masks.Rows} masks.", nameof(rows));
        }

        var means = new Dictionary<long, double[]>();
        var counts = new Dictionary<long, long>();
        var unit = new double[masks.RowBytes];
        var bytes = new byte[masks.RowBytes];
        for (var i = 0; i < rows.Count; i++)
        {
            var c = classes?[i] ?? 0;
            if (!means.TryGetValue(c, out var sum))
            {
                means[c] = sum = new double[unit.Length];
            }

            ReadUnit(masks, rows[i], bytes, unit);
            for (var p = 0; p < unit.Length; p++)
            {
                sum[p] += unit[p];
            }

            counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        foreach (var (c, sum) in means)
        {
            for (var p = 0; p < sum.Length; p++)
            {
                sum[p] /= counts[c];
            }
        }

        var distances = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            ReadUnit(masks, rows[i], bytes, unit);
            var mean = means[classes?[i] ?? 0];
            var squares = 0.0;
            for (var p = 0; p < unit.Length; p++)
            {
                squares += (unit[p] - mean[p]) * (unit[p] - mean[p]);
            }

            distances[i] = Math.Sqrt(squares);
        }

        return distances;
    }

    /// <summary>Row <paramref name="row"/> scaled to unit L2 norm (an all-zero mask stays zero).</summary>
    private static void ReadUnit(NpyRowReader masks, long row, byte[] bytes, double[] unit)
    {
        masks.ReadRows(row, 1, bytes);
        var norm = 0.0;
        foreach (var b in bytes)
        {
            norm += (double)b * b;
        }

        var scale = norm > 0 ? 1 / Math.Sqrt(norm) : 0;
        for (var p = 0; p < unit.Length; p++)
        {
            unit[p] = bytes[p] * scale;
        }
    }
}
