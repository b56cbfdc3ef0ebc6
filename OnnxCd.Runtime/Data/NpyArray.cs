namespace OnnxCd.Runtime.Data;

/// <summary>A C-ordered array read from or written to a <c>.npy</c> file.</summary>
/// <param name="Type">The element type.</param>
/// <param name="Shape">The dimensions.</param>
/// <param name="Floats">The values when <see cref="Type"/> is float32, else empty.</param>
/// <param name="Bytes">The values when <see cref="Type"/> is uint8 or bool, else empty.</param>
/// <param name="Longs">The values when <see cref="Type"/> is int64 or int32, else empty.</param>
public sealed record NpyArray(NpyType Type, long[] Shape, float[] Floats, byte[] Bytes, long[] Longs)
{
    /// <summary>The number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>A float32 array.</summary>
    public static NpyArray Of(float[] values, params long[] shape) => Checked(new NpyArray(NpyType.Float32, shape, values, [], []), values.Length);

    /// <summary>A uint8 array.</summary>
    public static NpyArray Of(byte[] values, params long[] shape) => Checked(new NpyArray(NpyType.UInt8, shape, [], values, []), values.Length);

    /// <summary>An int64 array.</summary>
    public static NpyArray Of(long[] values, params long[] shape) => Checked(new NpyArray(NpyType.Int64, shape, [], [], values), values.Length);

    /// <summary>The values as integers (for labels, indices and indicators), whatever the integer or bool type.</summary>
    /// <exception cref="DataException">The array holds float32 values that are not whole numbers.</exception>
    public long[] ToIntegers(string source) => Type switch
    {
        NpyType.Int64 or NpyType.Int32 => Longs,
        NpyType.UInt8 or NpyType.Bool => Bytes.Select(b => (long)b).ToArray(),
        _ => Floats.All(f => f == MathF.Round(f) && float.IsFinite(f))
            ? Floats.Select(f => (long)f).ToArray()
            : throw new DataException($"'{source}' holds float32 values that are not whole numbers; labels and indices must be integers."),
    };

    private static NpyArray Checked(NpyArray array, int length) => array.Count == length
        ? array
        : throw new ArgumentException($"{length} values do not fill shape {Graph.TensorShape.Format(array.Shape)}.");
}
