namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>
/// Resize along one axis as a matrix A [out, in] with y = A·x: which inputs each output reads and with
/// what weight, for the nearest and linear modes and every coordinate transformation but
/// tf_crop_and_resize. Coordinates are computed in float32, as ONNX Runtime computes them, so that
/// nearest-neighbour rounding falls the same way.
/// </summary>
internal static class ResizeGeometry
{
    /// <summary>The modes the rule differentiates.</summary>
    public static readonly string[] Modes = ["nearest", "linear"];

    /// <summary>The coordinate transformations the rule differentiates.</summary>
    public static readonly string[] Coordinates = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"];

    /// <summary>The matrix [outSize, inSize], row-major.</summary>
    /// <param name="mode">nearest or linear.</param>
    /// <param name="coordinates">The coordinate_transformation_mode.</param>
    /// <param name="nearestMode">round_prefer_floor, round_prefer_ceil, floor or ceil.</param>
    /// <param name="scale">The axis's scale (given, or out/in when sizes are given).</param>
    /// <param name="inSize">Input length.</param>
    /// <param name="outSize">Output length.</param>
    public static double[] Matrix(string mode, string coordinates, string nearestMode, float scale, long inSize, long outSize)
    {
        var matrix = new double[outSize * inSize];
        for (var o = 0; o < outSize; o++)
        {
            var x = Original(coordinates, o, scale, inSize, outSize);
            if (mode == "nearest")
            {
                matrix[(o * inSize) + Math.Clamp(Nearest(nearestMode, x), 0, inSize - 1)] = 1;
                continue;
            }

            // x clamped to [0, in − 1]; weights 1 − f and f on ⌊x⌋ and ⌊x⌋ + 1 (the same element at the last one).
            var clamped = Math.Clamp(x, 0f, inSize - 1);
            var low = Math.Min((long)clamped, inSize - 1);
            var high = Math.Min(low + 1, inSize - 1);
            var fraction = clamped - low;
            matrix[(o * inSize) + low] += 1 - fraction;
            matrix[(o * inSize) + high] += fraction;
        }

        return matrix;
    }

    /// <summary>The input coordinate of output index <paramref name="o"/>.</summary>
    private static float Original(string coordinates, long o, float scale, long inSize, long outSize) => coordinates switch
    {
        "pytorch_half_pixel" => outSize > 1 ? ((o + 0.5f) / scale) - 0.5f : 0f,
        "align_corners" => outSize == 1 ? 0f : o * (float)(inSize - 1) / (outSize - 1),
        "asymmetric" => o / scale,
        "half_pixel_symmetric" => (inSize / 2f * (1 - (outSize / (scale * inSize)))) + ((o + 0.5f) / scale) - 0.5f,
        _ => ((o + 0.5f) / scale) - 0.5f,
    };

    private static long Nearest(string nearestMode, float x) => nearestMode switch
    {
        "floor" => (long)MathF.Floor(x),
        "ceil" => (long)MathF.Ceiling(x),
        "round_prefer_ceil" => x == MathF.Floor(x) + 0.5f ? (long)MathF.Ceiling(x) : (long)MathF.Round(x, MidpointRounding.AwayFromZero),
        _ => x == MathF.Floor(x) + 0.5f ? (long)MathF.Floor(x) : (long)MathF.Round(x, MidpointRounding.AwayFromZero),
    };
}
