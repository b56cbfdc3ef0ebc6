using System.Runtime.InteropServices;

namespace OnnxCd.Runtime.Data.Sources;

/// <summary>
/// Images in a <c>.npy</c> array, read a batch of rows at a time: float32 [N,C,H,W] in [0,1], or
/// uint8 [N,H,W] / [N,H,W,C] scaled by 1/255; optional labels from another <c>.npy</c> of length N.
/// </summary>
internal sealed class NpySource : DatasetSource
{
    private readonly NpyRowReader _reader;
    private readonly ImageSpec _spec;
    private readonly string _path;
    private readonly long[]? _labels;
    private readonly int _channels;
    private readonly bool _channelsLast;

    public NpySource(string path, ImageSpec spec, string? labels)
    {
        _path = path;
        _spec = spec;
        _reader = new NpyRowReader(path);
        try
        {
            var header = _reader.Header;
            var shape = header.Shape;
            (_channels, _channelsLast) = (header.Type, shape.Length) switch
            {
                (NpyType.Float32, 4) => ((int)shape[1], false),
                (NpyType.UInt8, 3) => (1, true),
                (NpyType.UInt8, 4) => ((int)shape[3], true),
                _ => throw new DataException($"'{path}' holds {NpyHeader.Name(header.Type)} {Graph.TensorShape.Format(shape)}; images must be float32 [N,C,H,W] or uint8 [N,H,W] / [N,H,W,C]."),
            };
            var (height, width) = _channelsLast ? (shape[1], shape[2]) : (shape[2], shape[3]);
            if (height != spec.Height || width != spec.Width)
            {
                throw new DataException($"'{path}' holds {height}×{width} images but the model takes {spec.Height}×{spec.Width}; resize the array (or use an image folder, which is resized on reading).");
            }

            if (!PixelConversion.CanConvert(_channels, spec.Channels))
            {
                throw new DataException($"'{path}' holds images with {_channels} channels; the model takes {spec.Channels}.");
            }

            _labels = labels is null ? null : ReadLabels(labels, shape[0]);
        }
        catch
        {
            _reader.Dispose();
            throw;
        }
    }

    public override string Description => $"npy {NpyHeader.Name(_reader.Header.Type)} {Graph.TensorShape.Format(_reader.Header.Shape)}" + (_labels is null ? string.Empty : " with labels");

    public override long Count => _reader.Rows;

    public override bool HasLabels => _labels is not null;

    public override IEnumerable<Sample> Read(long start, long end)
    {
        CheckRange(start, end);
        const int chunk = 256;
        var buffer = new byte[chunk * _reader.RowBytes];
        for (var first = start; first < end; first += chunk)
        {
            var count = (int)Math.Min(chunk, end - first);
            _reader.ReadRows(first, count, buffer);
            for (var i = 0; i < count; i++)
            {
                yield return Decode(first + i, buffer.AsSpan(i * _reader.RowBytes, _reader.RowBytes));
            }
        }
    }

    protected override void Dispose(bool disposing) => _reader.Dispose();

    private Sample Decode(long index, ReadOnlySpan<byte> row)
    {
        var label = _labels?[index];
        var id = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_reader.Header.Type == NpyType.UInt8)
        {
            return new Sample(index, id, label, PixelConversion.FromBytes(row, _channels, _channelsLast, _spec), null);
        }

        var floats = MemoryMarshal.Cast<byte, float>(row);
        if (PixelConversion.RangeProblem(floats) is { } problem)
        {
            return new Sample(index, id, label, null, problem);
        }

        return new Sample(index, id, label, PixelConversion.ToChannels(floats.ToArray(), _channels, _spec), null);
    }

    private long[] ReadLabels(string path, long count)
    {
        var labels = NpyFile.Read(path);
        if (labels.Shape.Length != 1 || labels.Shape[0] != count)
        {
            throw new DataException($"Labels '{path}' have shape {Graph.TensorShape.Format(labels.Shape)}, but '{_path}' holds {count} images; give one label per image, shape [{count}].");
        }

        return labels.ToIntegers(path);
    }
}
