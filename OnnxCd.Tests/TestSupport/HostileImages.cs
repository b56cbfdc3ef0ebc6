using System.Buffers.Binary;
using System.IO.Hashing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace OnnxCd.Tests.TestSupport;

/// <summary>What reading a hostile image must give: its decoded colour (RGB in [0,1], within a tolerance), or a reason it is skipped.</summary>
/// <param name="Name">The file (or folder) name, relative to the dataset folder.</param>
/// <param name="Rgb">The colour every pixel decodes to, or null when the file must be skipped.</param>
/// <param name="Tolerance">Allowed difference per channel (JPEG is lossy).</param>
/// <param name="Reason">A part of the skip reason, or null when the file must decode.</param>
internal sealed record HostileImage(string Name, float[]? Rgb, float Tolerance, string? Reason);

/// <summary>
/// A folder of hostile and unusual image files, made on the spot: truncated PNG and JPEG, a wrong
/// extension, formats not allowed, a zero-byte file, decompression bombs (PNG, JPEG and BMP headers
/// that declare gigapixels), animated GIFs, 16-bit, palette, grey and RGBA PNGs, a CMYK JPEG and a
/// directory named like an image; each with what reading it must give.
/// </summary>
internal static class HostileImages
{
    private static readonly Rgb24 s_colour = new(40, 160, 220);

    /// <summary>The colour of the well-formed images, in [0,1].</summary>
    public static float[] Colour { get; } = [40 / 255f, 160 / 255f, 220 / 255f];

    /// <summary>Writes every case into <paramref name="folder"/> (flat) and returns the expectations, sorted by name.</summary>
    public static IReadOnlyList<HostileImage> Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var cases = new List<HostileImage>();
        void Decodes(string name, byte[] bytes, float[] rgb, float tolerance = 0.01f)
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
            cases.Add(new HostileImage(name, rgb, tolerance, null));
        }

        void Skipped(string name, byte[] bytes, string reason)
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
            cases.Add(new HostileImage(name, null, 0, reason));
        }

        var png = Png(Solid(8, 8));
        var noisyPng = Png(Noise(64, 64));
        var noisyJpeg = Jpeg(Noise(64, 64));
        Decodes("plain.png", png, Colour);
        Decodes("png-named.jpg", png, Colour);
        Decodes("plain.bmp", Bmp(Solid(8, 8)), Colour);
        Decodes("plain.jpg", Jpeg(Solid(8, 8)), Colour, 0.03f);
        Decodes("deep-16bit.png", Png16(), [0.25f, 0.5f, 0.75f], 0.003f);
        Decodes("palette.png", PalettePng(), Colour);
        Decodes("grey.png", GreyPng(90), [90 / 255f, 90 / 255f, 90 / 255f]);
        Decodes("alpha.png", RgbaPng(), Colour);
        Decodes("cmyk.jpg", File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, "OnnxCd.Tests", "TestData", "images", "cmyk-red-8x8.jpg")), [1, 0, 0], 0.05f);
        Skipped("truncated.png", noisyPng[..(noisyPng.Length / 2)], "cannot be decoded");
        Skipped("truncated.jpg", noisyJpeg[..(noisyJpeg.Length / 2)], "truncated");
        Skipped("empty.png", [], "empty");
        Skipped("text.jpg", "not an image at all"u8.ToArray(), "not a PNG, JPEG or BMP");
        Skipped("bomb.png", PngDeclaring(png, 100_000, 100_000), "100000×100000");
        Skipped("bomb.jpg", JpegDeclaring(Jpeg(Solid(8, 8)), 65_000, 65_000), "65000×65000");
        Skipped("bomb.bmp", BmpDeclaring(Bmp(Solid(8, 8)), 60_000, 60_000), "60000×60000");
        Skipped("animated.gif", AnimatedGif(), "not an allowed image type (.gif)");
        Skipped("animated-named.png", AnimatedGif(), "not a PNG, JPEG or BMP");
        Skipped("scan.tiff", Tiff(), "not an allowed image type (.tiff)");
        Directory.CreateDirectory(Path.Combine(folder, "folder.png"));
        File.WriteAllBytes(Path.Combine(folder, "folder.png", "inner.png"), png);
        cases.Add(new HostileImage("folder.png", null, 0, "a directory"));
        return cases.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The bytes of a PNG of 64×64 noise: a valid seed for mutation.</summary>
    public static byte[] NoisyPng() => Png(Noise(64, 64));

    /// <summary>The bytes of a JPEG of 64×64 noise: a valid seed for mutation.</summary>
    public static byte[] NoisyJpeg() => Jpeg(Noise(64, 64));

    /// <summary>The bytes of a BMP of 16×16 noise: a valid seed for mutation.</summary>
    public static byte[] NoisyBmp() => Bmp(Noise(16, 16));

    /// <summary>A PNG of <paramref name="width"/>×<paramref name="height"/> in one colour (compresses to almost nothing).</summary>
    public static byte[] SolidPng(int width, int height) => Png(Solid(width, height));

    private static Image<Rgb24> Solid(int width, int height) => new(width, height, s_colour);

    private static Image<Rgb24> Noise(int width, int height)
    {
        var random = new Random(7);
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < height; y++)
            {
                foreach (ref var p in rows.GetRowSpan(y))
                {
                    p = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                }
            }
        });
        return image;
    }

    private static byte[] Png(Image image)
    {
        using (image)
        {
            using var stream = new MemoryStream();
            image.SaveAsPng(stream);
            return stream.ToArray();
        }
    }

    private static byte[] Jpeg(Image image)
    {
        using (image)
        {
            using var stream = new MemoryStream();
            image.SaveAsJpeg(stream, new JpegEncoder { Quality = 95 });
            return stream.ToArray();
        }
    }

    private static byte[] Bmp(Image image)
    {
        using (image)
        {
            using var stream = new MemoryStream();
            image.SaveAsBmp(stream);
            return stream.ToArray();
        }
    }

    private static byte[] Png16()
    {
        using var image = new Image<Rgb48>(8, 8, new Rgb48(16384, 32768, 49151));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb });
        return stream.ToArray();
    }

    private static byte[] PalettePng()
    {
        using var image = Solid(8, 8);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = PngColorType.Palette });
        return stream.ToArray();
    }

    private static byte[] GreyPng(byte grey)
    {
        using var image = new Image<L8>(8, 8, new L8(grey));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = PngColorType.Grayscale });
        return stream.ToArray();
    }

    private static byte[] RgbaPng()
    {
        using var image = new Image<Rgba32>(8, 8, new Rgba32(s_colour.R, s_colour.G, s_colour.B, 255));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        return stream.ToArray();
    }

    private static byte[] AnimatedGif()
    {
        using var image = Solid(8, 8);
        using var second = new Image<Rgb24>(8, 8, new Rgb24(255, 0, 0));
        image.Frames.AddFrame(second.Frames.RootFrame);
        using var stream = new MemoryStream();
        image.SaveAsGif(stream);
        return stream.ToArray();
    }

    private static byte[] Tiff()
    {
        using var image = Solid(8, 8);
        using var stream = new MemoryStream();
        image.SaveAsTiff(stream);
        return stream.ToArray();
    }

    /// <summary>A PNG whose IHDR declares width×height (with a valid CRC), over the original tiny pixel data.</summary>
    private static byte[] PngDeclaring(byte[] png, int width, int height)
    {
        var bytes = png.ToArray();
        const int ihdrData = 16;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(ihdrData), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(ihdrData + 4), height);
        var crc = Crc32.HashToUInt32(bytes.AsSpan(ihdrData - 4, 4 + 13));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(ihdrData + 13), crc);
        return bytes;
    }

    /// <summary>A JPEG whose start-of-frame declares width×height.</summary>
    private static byte[] JpegDeclaring(byte[] jpeg, ushort width, ushort height)
    {
        var bytes = jpeg.ToArray();
        for (var i = 2; i + 9 < bytes.Length; i++)
        {
            if (bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), height);
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), width);
                return bytes;
            }
        }

        throw new InvalidOperationException("The JPEG has no start-of-frame marker.");
    }

    /// <summary>A BMP whose info header declares width×height.</summary>
    private static byte[] BmpDeclaring(byte[] bmp, int width, int height)
    {
        var bytes = bmp.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        return bytes;
    }
}
