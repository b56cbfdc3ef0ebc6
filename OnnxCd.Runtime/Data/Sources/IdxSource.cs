using System.Buffers.Binary;
using System.IO.Compression;

namespace OnnxCd.Runtime.Data.Sources;

/// <summary>
/// Images in IDX files (the MNIST and Fashion-MNIST format), gzipped or not: unsigned bytes [N,H,W]
/// (or [N,H,W,C]). Labels come from a labels file, or from the matching "labels-idx1" file beside the
/// images when there is one. A gzipped file is checked once end to end when opened, then streamed.
/// </summary>
internal sealed class IdxSource : DatasetSource
{
    private readonly string _path;
    private readonly ImageSpec _spec;
    private readonly bool _gzip;
    private readonly long[] _dims;
    private readonly int _headerBytes;
    private readonly long[]? _labels;
    private readonly string? _labelsPath;

    public IdxSource(string path, ImageSpec spec, string? labels)
    {
        _path = path;
        _spec = spec;
        _gzip = IsGzip(path);
        (_dims, _headerBytes) = ReadHeader(path, _gzip);
        if (_dims.Length is not (3 or 4))
        {
            throw new DataException($"'{path}' is an IDX array of {_dims.Length} dimensions {Graph.TensorShape.Format(_dims)}; images must be [N,H,W] or [N,H,W,C].");
        }

        if (_dims[1] != spec.Height || _dims[2] != spec.Width)
        {
            throw new DataException($"'{path}' holds {_dims[1]}×{_dims[2]} images but the model takes {spec.Height}×{spec.Width}.");
        }

        if (!PixelConversion.CanConvert(Channels, spec.Channels))
        {
            throw new DataException($"'{path}' holds images with {Channels} channels; the model takes {spec.Channels} (OnnxCd converts between 1 and 3).");
        }

        var expected = _headerBytes + _dims.Aggregate(1L, (a, b) => a * b);
        var actual = DataLength(path, _gzip);
        if (actual < expected)
        {
            throw new DataException($"IDX file '{path}' is short: its header declares {Graph.TensorShape.Format(_dims)} ({expected} bytes) but it holds {actual}.");
        }

        _labelsPath = labels ?? SiblingLabels(path);
        _labels = _labelsPath is null ? null : ReadLabels(_labelsPath, _dims[0]);
    }

    public override string Description => $"IDX {Graph.TensorShape.Format(_dims)}{(_gzip ? " (gzip)" : string.Empty)}" + (_labelsPath is null ? string.Empty : $" with labels from {Path.GetFileName(_labelsPath)}");

    public override long Count => _dims[0];

    public override bool HasLabels => _labels is not null;

    private int Channels => _dims.Length == 4 ? (int)_dims[3] : 1;

    /// <summary>Whether <paramref name="path"/> starts with an IDX magic number (after gunzip when gzipped).</summary>
    public static bool HasIdxMagic(string path)
    {
        try
        {
            using var stream = OpenData(path, IsGzip(path));
            Span<byte> magic = stackalloc byte[4];
            return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic[0] == 0 && magic[1] == 0 && magic[2] == 0x08 && magic[3] is >= 1 and <= 4;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    public override IEnumerable<Sample> Read(long start, long end)
    {
        CheckRange(start, end);
        var rowBytes = (int)(_dims[1] * _dims[2] * Channels);
        using var stream = OpenData(_path, _gzip);
        Skip(stream, _headerBytes + (start * rowBytes));
        var row = new byte[rowBytes];
        for (var index = start; index < end; index++)
        {
            stream.ReadExactly(row);
            var pixels = PixelConversion.FromBytes(row, Channels, channelsLast: true, _spec);
            yield return new Sample(index, index.ToString(System.Globalization.CultureInfo.InvariantCulture), _labels?[index], pixels, null);
        }
    }

    private static bool IsGzip(string path)
    {
        using var stream = NpyFile.Open(path);
        return stream.ReadByte() == 0x1f && stream.ReadByte() == 0x8b;
    }

    private static Stream OpenData(string path, bool gzip)
    {
        var file = NpyFile.Open(path);
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static void Skip(Stream stream, long bytes)
    {
        if (stream.CanSeek)
        {
            stream.Position = bytes;
            return;
        }

        var buffer = new byte[81920];
        while (bytes > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, bytes));
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            bytes -= read;
        }
    }

    private static long DataLength(string path, bool gzip)
    {
        using var stream = OpenData(path, gzip);
        if (stream.CanSeek)
        {
            return stream.Length;
        }

        var buffer = new byte[81920];
        long total = 0;
        try
        {
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                total += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"'{path}' is a damaged gzip file: {e.Message}", e);
        }

        return total;
    }

    private static (long[] Dims, int HeaderBytes) ReadHeader(string path, bool gzip)
    {
        using var stream = OpenData(path, gzip);
        Span<byte> word = stackalloc byte[4];
        try
        {
            stream.ReadExactly(word);
            if (word[0] != 0 || word[1] != 0 || word[3] is < 1 or > 4)
            {
                throw new DataException($"'{path}' has no IDX magic number (00 00 type ndim); it starts with {Convert.ToHexString(word)}.");
            }

            if (word[2] != 0x08)
            {
                throw new DataException($"IDX file '{path}' holds element type 0x{word[2]:X2}; images must be unsigned bytes (0x08).");
            }

            var dims = new long[word[3]];
            for (var i = 0; i < dims.Length; i++)
            {
                stream.ReadExactly(word);
                dims[i] = BinaryPrimitives.ReadUInt32BigEndian(word);
            }

            return (dims, 4 + (4 * dims.Length));
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new DataException($"'{path}' ends inside its IDX header (or its gzip data is damaged): {e.Message}", e);
        }
    }

    /// <summary>"…-images-idx3-ubyte[.gz]" → "…-labels-idx1-ubyte[.gz]" when that file exists.</summary>
    private static string? SiblingLabels(string path)
    {
        var name = Path.GetFileName(path);
        if (!name.Contains("images", StringComparison.Ordinal))
        {
            return null;
        }

        var candidate = Path.Combine(Path.GetDirectoryName(path) ?? ".", name.Replace("images", "labels", StringComparison.Ordinal).Replace("idx3", "idx1", StringComparison.Ordinal));
        return File.Exists(candidate) ? candidate : null;
    }

    private static long[] ReadLabels(string path, long count)
    {
        if (Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var array = NpyFile.Read(path);
            return array.Shape is [var n] && n == count
                ? array.ToIntegers(path)
                : throw new DataException($"Labels '{path}' have shape {Graph.TensorShape.Format(array.Shape)}; the images number {count}.");
        }

        var gzip = IsGzip(path);
        var (dims, headerBytes) = ReadHeader(path, gzip);
        if (dims.Length != 1 || dims[0] != count)
        {
            throw new DataException($"IDX labels '{path}' have shape {Graph.TensorShape.Format(dims)}; the images number {count}.");
        }

        using var stream = OpenData(path, gzip);
        Skip(stream, headerBytes);
        var bytes = new byte[count];
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new DataException($"IDX labels '{path}' are short: {count} labels declared.", e);
        }

        return bytes.Select(b => (long)b).ToArray();
    }
}
