namespace OnnxCd.Runtime.Data;

/// <summary>The element types OnnxCd reads from and writes to <c>.npy</c> files.</summary>
public enum NpyType
{
    /// <summary>Little-endian float32 (<c>&lt;f4</c>).</summary>
    Float32,

    /// <summary>Unsigned bytes (<c>|u1</c>), images scaled by 1/255 when used as model input.</summary>
    UInt8,
}

/// <summary>A C-ordered array read from or written to a <c>.npy</c> file.</summary>
/// <param name="Type">The element type.</param>
/// <param name="Shape">The dimensions.</param>
/// <param name="Floats">The values when <see cref="Type"/> is float32, else empty.</param>
/// <param name="Bytes">The values when <see cref="Type"/> is uint8, else empty.</param>
public sealed record NpyArray(NpyType Type, long[] Shape, float[] Floats, byte[] Bytes)
{
    /// <summary>The number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>A float32 array.</summary>
    public static NpyArray Of(float[] values, params long[] shape)
    {
        var array = new NpyArray(NpyType.Float32, shape, values, []);
        if (array.Count != values.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill shape {Graph.TensorShape.Format(shape)}.", nameof(values));
        }

        return array;
    }

    /// <summary>A uint8 array.</summary>
    public static NpyArray Of(byte[] values, params long[] shape)
    {
        var array = new NpyArray(NpyType.UInt8, shape, [], values);
        if (array.Count != values.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill shape {Graph.TensorShape.Format(shape)}.", nameof(values));
        }

        return array;
    }
}
