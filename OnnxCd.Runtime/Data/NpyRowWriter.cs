namespace OnnxCd.Runtime.Data;

/// <summary>
/// A <c>.npy</c> file of a fixed shape whose rows are written in any order: the header and the full
/// size are written when it is created, so a row can be rewritten after an interruption and the
/// file is a valid array at every moment.
/// </summary>
public sealed class NpyRowWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly long _dataOffset;

    private NpyRowWriter(FileStream stream, long dataOffset, int rowBytes)
    {
        _stream = stream;
        _dataOffset = dataOffset;
        RowBytes = rowBytes;
    }

    /// <summary>The bytes in one row.</summary>
    public int RowBytes { get; }

    /// <summary>Opens <paramref name="path"/> for row writes, creating it zero-filled unless it already holds an array of this type and shape.</summary>
    /// <exception cref="DataException">The file exists with another type or shape.</exception>
    public static NpyRowWriter OpenOrCreate(string path, NpyType type, long[] shape)
    {
        var rowBytes = checked((int)(shape.Skip(1).Aggregate(1L, (a, b) => a * b) * new NpyHeader(type, shape, 0).ItemSize));
        if (File.Exists(path))
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            try
            {
                var header = NpyHeader.Read(stream, path);
                if (header.Type != type || !header.Shape.SequenceEqual(shape))
                {
                    throw new DataException($"'{path}' holds {NpyHeader.Name(header.Type)} {Graph.TensorShape.Format(header.Shape)}, not the {NpyHeader.Name(type)} {Graph.TensorShape.Format(shape)} this run writes; it belongs to another run.");
                }

                return new NpyRowWriter(stream, header.DataOffset, rowBytes);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        var created = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
        var encoded = NpyHeader.Encode(type, shape);
        created.Write(encoded);
        created.SetLength(encoded.Length + (shape[0] * rowBytes));
        created.Flush(flushToDisk: true);
        return new NpyRowWriter(created, encoded.Length, rowBytes);
    }

    /// <summary>Writes row <paramref name="row"/>.</summary>
    public void WriteRow(long row, ReadOnlySpan<byte> values)
    {
        _stream.Position = _dataOffset + (row * RowBytes);
        _stream.Write(values[..RowBytes]);
    }

    /// <summary>Pushes written rows to the disk.</summary>
    public void Flush() => _stream.Flush(flushToDisk: true);

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}
