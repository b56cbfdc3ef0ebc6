using OnnxCd.Runtime.Data;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp;

namespace OnnxCd.Runtime.Reporting;

/// <summary>
/// Pictures of images, masks and cognitive patterns x·m as PNG: small images are enlarged by an
/// integer factor with nearest-neighbour sampling, so each pixel stays a crisp block.
/// </summary>
public static class MaskImages
{
    /// <summary>The scale factor that brings an image of height <paramref name="height"/> to at least 128 pixels.</summary>
    public static int Scale(long height) => (int)Math.Max(1, (127 + height) / height);

    /// <summary>Writes mask [H,W] (values in [0,1]) as a grey PNG file.</summary>
    public static void WriteMask(string path, ReadOnlySpan<float> mask, int height, int width) =>
        AtomicFile.WriteAllBytes(path, EncodeMask(mask, height, width));

    /// <summary>Writes the cognitive pattern x·m for an image [C,H,W] (C = 1 or 3) and its mask [H,W] as a PNG file.</summary>
    public static void WritePattern(string path, ReadOnlySpan<float> image, ReadOnlySpan<float> mask, int channels, int height, int width) =>
        AtomicFile.WriteAllBytes(path, EncodePattern(image, mask, channels, height, width));

    /// <summary>A mask [H,W] as grey PNG bytes.</summary>
    public static byte[] EncodeMask(ReadOnlySpan<float> mask, int height, int width)
    {
        var values = mask.ToArray();
        return Encode(height, width, i => { var v = ToByte(values[i]); return new Rgb24(v, v, v); });
    }

    /// <summary>An image [C,H,W] (C = 1 or 3) as PNG bytes.</summary>
    public static byte[] EncodeImage(ReadOnlySpan<float> image, int channels, int height, int width) =>
        EncodePattern(image, Enumerable.Repeat(1f, height * width).ToArray(), channels, height, width);

    /// <summary>The cognitive pattern x·m as PNG bytes.</summary>
    public static byte[] EncodePattern(ReadOnlySpan<float> image, ReadOnlySpan<float> mask, int channels, int height, int width)
    {
        var pixels = image.ToArray();
        var weights = mask.ToArray();
        var plane = height * width;
        return Encode(height, width, i =>
        {
            var m = weights[i];
            var r = ToByte(pixels[i] * m);
            return channels == 1 ? new Rgb24(r, r, r) : new Rgb24(r, ToByte(pixels[plane + i] * m), ToByte(pixels[(2 * plane) + i] * m));
        });
    }

    private static byte[] Encode(int height, int width, Func<int, Rgb24> pixel)
    {
        var scale = Scale(height);
        using var output = new Image<Rgb24>(width * scale, height * scale);
        output.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < rows.Width; x++)
                {
                    row[x] = pixel(((y / scale) * width) + (x / scale));
                }
            }
        });
        using var stream = new MemoryStream();
        output.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value * 255), 0, 255);
}
