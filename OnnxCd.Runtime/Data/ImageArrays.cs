namespace OnnxCd.Runtime.Data;

/// <summary>
/// Turns arrays in the layouts DESIGN.md allows into model input [N,C,H,W] float32: float32
/// [N,C,H,W] as it is, or uint8 [N,H,W] / [N,H,W,C] scaled by 1/255 and moved to channels-first.
/// </summary>
public static class ImageArrays
{
    /// <summary>The array as float32 [N,C,H,W].</summary>
    /// <param name="array">The array read from <paramref name="source"/>.</param>
    /// <param name="source">The file name, for messages.</param>
    /// <exception cref="DataException">The layout is none of the allowed ones.</exception>
    public static (float[] Values, long[] Shape) ToNchw(NpyArray array, string source)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Type == NpyType.Float32)
        {
            if (array.Shape.Length != 4)
            {
                throw new DataException($"'{source}' holds float32 {Graph.TensorShape.Format(array.Shape)}; float32 images must be [N,C,H,W].");
            }

            return (array.Floats, array.Shape);
        }

        var shape = array.Shape;
        if (shape.Length == 3)
        {
            return (array.Bytes.Select(b => b / 255f).ToArray(), [shape[0], 1, shape[1], shape[2]]);
        }

        if (shape.Length != 4)
        {
            throw new DataException($"'{source}' holds uint8 {Graph.TensorShape.Format(shape)}; uint8 images must be [N,H,W] or [N,H,W,C].");
        }

        long n = shape[0], h = shape[1], w = shape[2], c = shape[3];
        var values = new float[array.Bytes.Length];
        for (long i = 0; i < n; i++)
        {
            for (long y = 0; y < h; y++)
            {
                for (long x = 0; x < w; x++)
                {
                    for (long k = 0; k < c; k++)
                    {
                        values[(((i * c) + k) * h * w) + (y * w) + x] = array.Bytes[(((i * h) + y) * w * c) + (x * c) + k] / 255f;
                    }
                }
            }
        }

        return (values, [n, c, h, w]);
    }
}
