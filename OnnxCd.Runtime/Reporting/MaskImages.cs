using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace OnnxCd.Runtime.Reporting;

/// <summary>
/// Writes a mask and its cognitive pattern x·m as PNG files a person can look at: small images are
/// enlarged by an integer factor with nearest-neighbour sampling, so each pixel stays a crisp block.
/// </summary>
public static class MaskImages
{
    /// <summary>The scale factor that brings an image of height <paramref name="height"/> to at least 128 pixels.</summary>
    public static int Scale(long height) => (int)Math.Max(1, (127 + height) / height);

    /// <summary>Writes mask [H,W] (values in [0,1]) as a grey PNG.</summary>
    public static void WriteMask(string path, ReadOnlySpan<float> mask, int height, int width)
    {
        var scale = Scale(height);
        using var image = new Image<L8>(width * scale, height * scale);
        var values = mask.ToArray();
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < rows.Width; x++)
                {
                    row[x] = new L8(ToByte(values[((y / scale) * width) + (x / scale)]));
                }
            }
        });
        image.SaveAsPng(path);
    }

    /// <summary>Writes the cognitive pattern x·m for an image [C,H,W] (C = 1 or 3) and its mask [H,W].</summary>
    public static void WritePattern(string path, ReadOnlySpan<float> image, ReadOnlySpan<float> mask, int channels, int height, int width)
    {
        var scale = Scale(height);
        using var output = new Image<Rgb24>(width * scale, height * scale);
        var pixels = image.ToArray();
        var weights = mask.ToArray();
        var plane = height * width;
        output.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < rows.Width; x++)
                {
                    var i = ((y / scale) * width) + (x / scale);
                    var m = weights[i];
                    var r = pixels[i] * m;
                    row[x] = channels == 1
                        ? new Rgb24(ToByte(r), ToByte(r), ToByte(r))
                        : new Rgb24(ToByte(r), ToByte(pixels[plane + i] * m), ToByte(pixels[(2 * plane) + i] * m));
                }
            }
        });
        output.SaveAsPng(path);
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value * 255), 0, 255);
}
