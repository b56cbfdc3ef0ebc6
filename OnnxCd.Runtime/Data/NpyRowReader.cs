namespace OnnxCd.Runtime.Data;

/// <summary>Reads rows (slices along the first axis) of a <c>.npy</c> file without loading the whole array.</summary>
public sealed class NpyRowReader : IDisposable
{
    private readonly FileStream _stream;

    /// <summary>Opens <paramref name="path"/> and checks its header against its size.</summary>
    /// <exception cref="DataException">The file is not a readable .npy array with at least one axis.</exception>
    public NpyRowReader(string path)
    {
        _stream = NpyFile.Open(path);
        try
        {
            Header = NpyHeader.Read(_stream, path);
            if (Header.Shape.Length == 0)
            {
                throw new DataException($"'{path}' holds a scalar; a dataset array needs a first (sample) axis.");
            }
        }
        catch
        {
            _stream.Dispose();
            throw;
        }

        RowBytes = checked((int)(Header.Shape.Skip(1).Aggregate(1L, (a, b) => a * b) * Header.ItemSize));
    }

    /// <summary>The file's header.</summary>
    public NpyHeader Header { get; }

    /// <summary>The number of rows.</summary>
    public long Rows => Header.Shape[0];

    /// <summary>The bytes in one row.</summary>
    public int RowBytes { get; }

    /// <summary>Reads <paramref name="count"/> rows from <paramref name="first"/> into <paramref name="destination"/>.</summary>
    public void ReadRows(long first, int count, Span<byte> destination)
    {
        _stream.Position = Header.DataOffset + (first * RowBytes);
        _stream.ReadExactly(destination[..(count * RowBytes)]);
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}
