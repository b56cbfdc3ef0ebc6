using OnnxCd.Runtime.Data;

namespace OnnxCd.Runtime.Detection;

/// <summary>
/// The family term of <see cref="SuspicionKind.SizeShapeFamily"/>: within each class, the CD-L masks fall
/// into <see cref="Count"/> families of like shape (k-means on the unit masks), and a poison's family is
/// the other poisons, whose masks all trace the same trigger. A sample's family is read one class at a
/// time from a uint8 mask file, downsampled to at most <see cref="MaxSide"/>² pixels, so memory holds one
/// class's small masks and does not grow with the number of classes.
/// </summary>
public static class MaskFamilies
{
    /// <summary>How many families k-means makes in each class.</summary>
    public const int Count = 3;

    /// <summary>The longest side a mask is averaged down to before it is clustered.</summary>
    public const int MaxSide = 32;

    /// <summary>Each sample's family: a number unique over the scan (the same for samples of one class and one family only).</summary>
    /// <param name="masks">A uint8 mask file, one mask of <paramref name="height"/> × <paramref name="width"/> per row (as a scan's masks-u8.npy keeps them).</param>
    /// <param name="rows">The row of each sample in <paramref name="masks"/>.</param>
    /// <param name="classes">Each sample's class; null to treat the samples as one class.</param>
    /// <param name="height">The masks' height.</param>
    /// <param name="width">The masks' width.</param>
    /// <exception cref="ArgumentException">The classes do not match the rows, or the rows do not hold masks of this size.</exception>
    public static long[] Assign(NpyRowReader masks, IReadOnlyList<long> rows, IReadOnlyList<long>? classes, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(rows);
        if (classes is not null && classes.Count != rows.Count)
        {
            throw new ArgumentException($"{classes.Count} classes for {rows.Count} masks.", nameof(classes));
        }

        if ((long)height * width != masks.RowBytes)
        {
            throw new ArgumentException($"Masks of {height}×{width} pixels do not fit rows of {masks.RowBytes} bytes.", nameof(height));
        }

        var families = new long[rows.Count];
        var bytes = new byte[masks.RowBytes];
        foreach (var members in Enumerable.Range(0, rows.Count).GroupBy(i => classes?[i] ?? 0))
        {
            var points = members.Select(i =>
            {
                masks.ReadRows(rows[i], 1, bytes);
                return UnitDownsampled(bytes, height, width);
            }).ToList();
            // Fewer distinct masks than families: the class is one family.
            var labels = KMeansClustering.Cluster(points, Count);
            var first = members.Key * Count;
            var k = 0;
            foreach (var i in members)
            {
                families[i] = first + labels[k++];
            }
        }

        return families;
    }

    /// <summary>Each value plus its family's mean value: s + mean(s over the family).</summary>
    /// <param name="values">Each sample's value.</param>
    /// <param name="families">Each sample's family (<see cref="Assign"/>).</param>
    public static double[] AddFamilyMean(IReadOnlyList<double> values, IReadOnlyList<long> families)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(families);
        if (families.Count != values.Count)
        {
            throw new ArgumentException($"{families.Count} families for {values.Count} values.", nameof(families));
        }

        var means = Enumerable.Range(0, values.Count).GroupBy(i => families[i]).ToDictionary(g => g.Key, g => g.Average(i => values[i]));
        return Enumerable.Range(0, values.Count).Select(i => values[i] + means[families[i]]).ToArray();
    }

    /// <summary>The mask averaged over blocks to at most <see cref="MaxSide"/> a side, scaled to unit L2 norm (an all-zero mask stays zero).</summary>
    internal static float[] UnitDownsampled(byte[] mask, int height, int width)
    {
        var step = Math.Max(1, (Math.Max(height, width) + MaxSide - 1) / MaxSide);
        int rowsOut = (height + step - 1) / step, columnsOut = (width + step - 1) / step;
        var sums = new double[rowsOut * columnsOut];
        var counts = new int[sums.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var cell = (y / step * columnsOut) + (x / step);
                sums[cell] += mask[(y * width) + x];
                counts[cell]++;
            }
        }

        var means = sums.Select((s, c) => s / counts[c]).ToArray();
        var norm = Math.Sqrt(means.Sum(v => v * v));
        return means.Select(v => norm > 0 ? (float)(v / norm) : 0f).ToArray();
    }
}
