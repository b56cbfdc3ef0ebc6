using System.Runtime.InteropServices;

namespace OnnxCd.Runtime.Data;

/// <summary>
/// Reads and writes whole NumPy <c>.npy</c> files (format versions 1–3, C order, little endian).
/// The header is checked against the file size before any data is read.
/// </summary>
public static class NpyFile
{
    /// <summary>Reads an array.</summary>
    /// <exception cref="DataException">The file is missing, not .npy, lies about its size, or holds another dtype or order.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = Open(path);
        var header = NpyHeader.Read(stream, path);
        if (header.Count * header.ItemSize > Array.MaxLength)
        {
            throw new DataException($"'{path}' holds {header.Count * header.ItemSize} bytes; arrays over {Array.MaxLength} bytes are read in rows (as scan does), not whole.");
        }

        var data = new byte[header.Count * header.ItemSize];
        stream.ReadExactly(data);
        return header.Type switch
        {
            NpyType.Float32 => new NpyArray(header.Type, header.Shape, MemoryMarshal.Cast<byte, float>(data).ToArray(), [], []),
            NpyType.Int64 => new NpyArray(header.Type, header.Shape, [], [], MemoryMarshal.Cast<byte, long>(data).ToArray()),
            NpyType.Int32 => new NpyArray(header.Type, header.Shape, [], [], MemoryMarshal.Cast<byte, int>(data).ToArray().Select(v => (long)v).ToArray()),
            _ => new NpyArray(header.Type, header.Shape, [], data, []),
        };
    }

    /// <summary>Writes an array (version 1.0 header), to a temporary file first and then renamed; creates the folder.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(array);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            stream.Write(NpyHeader.Encode(array.Type, array.Shape));
            switch (array.Type)
            {
                case NpyType.Float32:
                    stream.Write(MemoryMarshal.AsBytes(array.Floats.AsSpan()));
                    break;
                case NpyType.Int64:
                    stream.Write(MemoryMarshal.AsBytes(array.Longs.AsSpan()));
                    break;
                case NpyType.Int32:
                    stream.Write(MemoryMarshal.AsBytes(array.Longs.Select(v => (int)v).ToArray().AsSpan()));
                    break;
                default:
                    stream.Write(array.Bytes);
                    break;
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Opens a file for reading, with a message naming it when that is impossible.</summary>
    internal static FileStream Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataException(Directory.Exists(path) ? $"'{path}' is a directory, not a .npy file." : $"File '{path}' does not exist.");
        }

        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"Cannot read '{path}': {e.Message}", e);
        }
    }
}
