using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace OnnxCd.Runtime.Data;

/// <summary>
/// Decodes one image file defensively into model input: only PNG, JPEG and BMP are recognised, the
/// declared size is checked before any pixel is decoded, and the result is converted to the model's
/// channel count (grey or RGB) and resized to its input size, as float32 [1,C,H,W] in [0,1].
/// </summary>
public static class ImageFile
{
    /// <summary>The most pixels a decoded image may have (a guard against decompression bombs).</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    /// <summary>The largest image file read (bigger ones are refused before being read).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    private static readonly Configuration s_formats = new(new PngConfigurationModule(), new JpegConfigurationModule(), new BmpConfigurationModule());

    /// <summary>The file extensions read as images.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>Whether <paramref name="path"/> names an image OnnxCd reads (by extension).</summary>
    public static bool IsImagePath(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Reads an image as [1,C,H,W] float32 in [0,1], with C = <paramref name="channels"/> (1 or 3) and size H×W.</summary>
    /// <exception cref="DataException">The file is missing, empty, not a PNG/JPEG/BMP, too large, truncated or corrupt.</exception>
    public static float[] Read(string path, int channels, int height, int width)
    {
        if (channels is not (1 or 3))
        {
            throw new DataException($"Images can feed models with 1 or 3 channels; this model takes {channels}.");
        }

        var bytes = ReadBytes(path);

        try
        {
            var info = Image.Identify(s_formats, bytes, out var format)
                ?? throw new DataException($"'{path}' is not a PNG, JPEG or BMP image.");
            if ((long)info.Width * info.Height > MaxPixels)
            {
                throw new DataException($"Image '{path}' declares {info.Width}×{info.Height} pixels, more than the {MaxPixels} allowed; it was not decoded.");
            }

            if (format is JpegFormat && JpegEnd.Problem(bytes) is { } truncation)
            {
                throw new DataException($"Image '{path}' cannot be decoded: {truncation}.");
            }

            using var image = Image.Load<Rgb24>(s_formats, bytes);
            if (image.Width != width || image.Height != height)
            {
                image.Mutate(x => x.Resize(width, height, KnownResamplers.Triangle));
            }

            var values = new float[channels * height * width];
            image.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (var x = 0; x < width; x++)
                    {
                        var p = row[x];
                        if (channels == 1)
                        {
                            // ITU-R BT.601 luma, as PIL's convert("L").
                            values[(y * width) + x] = ((0.299f * p.R) + (0.587f * p.G) + (0.114f * p.B)) / 255f;
                        }
                        else
                        {
                            values[(y * width) + x] = p.R / 255f;
                            values[(height * width) + (y * width) + x] = p.G / 255f;
                            values[(2 * height * width) + (y * width) + x] = p.B / 255f;
                        }
                    }
                }
            });
            return values;
        }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new DataException($"Image '{path}' cannot be decoded: {e.Message}", e);
        }
        catch (Exception e) when (e is not DataException)
        {
            // A crafted file can drive the decoder into errors of any kind; the file is at fault, not the scan.
            throw new DataException($"Image '{path}' cannot be decoded: the decoder failed with {e.GetType().Name}: {e.Message}", e);
        }
    }

    private static byte[] ReadBytes(string path)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length == 0)
            {
                throw new DataException($"Image '{path}' is empty (0 bytes).");
            }

            if (length > MaxFileBytes)
            {
                throw new DataException($"Image '{path}' is {length} bytes, more than the {MaxFileBytes} an image file may have; it was not read.");
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"Cannot read image '{path}': {e.Message}", e);
        }
    }
}
