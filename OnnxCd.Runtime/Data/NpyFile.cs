using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace OnnxCd.Runtime.Data;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1–3) holding C-ordered little-endian
/// float32 or uint8 arrays. The header is checked against the file size before any data is read.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an array.</summary>
    /// <exception cref="DataException">The file is missing, not .npy, lies about its size, or holds another dtype or order.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new DataException(Directory.Exists(path) ? $"'{path}' is a directory, not a .npy file." : $"File '{path}' does not exist.");
        }

        using var stream = File.OpenRead(path);
        var prefix = new byte[10];
        if (stream.Read(prefix) < prefix.Length || !prefix.AsSpan(0, 6).SequenceEqual(s_magic))
        {
            throw new DataException($"'{path}' is not a .npy file (no \\x93NUMPY magic).");
        }

        var major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(8));
        }
        else if (major is 2 or 3)
        {
            var extra = new byte[2];
            stream.ReadExactly(extra);
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian([prefix[8], prefix[9], extra[0], extra[1]]));
        }
        else
        {
            throw new DataException($"'{path}' uses .npy format version {major}; versions 1, 2 and 3 are supported.");
        }

        if (headerLength <= 0 || headerLength > 1 << 20 || stream.Position + headerLength > stream.Length)
        {
            throw new DataException($"'{path}' has a .npy header of {headerLength} bytes, which the file cannot hold.");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var (type, shape) = ParseHeader(Encoding.Latin1.GetString(header), path);
        var count = shape.Aggregate(1L, (a, b) => checked(a * b));
        var itemSize = type == NpyType.Float32 ? 4 : 1;
        var expected = checked(count * itemSize);
        var available = stream.Length - stream.Position;
        if (available != expected)
        {
            throw new DataException($"'{path}' declares shape {Graph.TensorShape.Format(shape)} of {(type == NpyType.Float32 ? "float32" : "uint8")} ({expected} bytes of data) but holds {available} bytes.");
        }

        if (expected > Array.MaxLength)
        {
            throw new DataException($"'{path}' holds {expected} bytes; arrays over {Array.MaxLength} bytes are not supported, split the file.");
        }

        var data = new byte[expected];
        stream.ReadExactly(data);
        return type == NpyType.Float32
            ? new NpyArray(type, shape, MemoryMarshal.Cast<byte, float>(data).ToArray(), [])
            : new NpyArray(type, shape, [], data);
    }

    /// <summary>Writes an array (version 1.0 header), to a temporary file first and then renamed; creates the folder.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(array);
        var descr = array.Type == NpyType.Float32 ? "<f4" : "|u1";
        var dims = string.Join(", ", array.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var shape = array.Shape.Length == 1 ? $"({dims},)" : $"({dims})";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        var unpadded = s_magic.Length + 4 + dict.Length + 1;
        var header = dict + new string(' ', (64 - (unpadded % 64)) % 64) + "\n";

        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            stream.Write(s_magic);
            stream.Write([1, 0]);
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
            stream.Write(length);
            stream.Write(Encoding.Latin1.GetBytes(header));
            stream.Write(array.Type == NpyType.Float32 ? MemoryMarshal.AsBytes(array.Floats.AsSpan()) : array.Bytes);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static (NpyType Type, long[] Shape) ParseHeader(string header, string path)
    {
        var descr = DescrPattern().Match(header);
        var order = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !order.Success || !shapeMatch.Success)
        {
            throw new DataException($"'{path}' has a malformed .npy header: {header.Trim()}");
        }

        if (order.Groups[1].Value == "True")
        {
            throw new DataException($"'{path}' is stored in Fortran order; save it in C order (numpy.ascontiguousarray).");
        }

        var type = descr.Groups[1].Value switch
        {
            "<f4" => NpyType.Float32,
            "|u1" or "<u1" or ">u1" => NpyType.UInt8,
            var other => throw new DataException($"'{path}' holds dtype '{other}'; OnnxCd reads float32 ('<f4') and uint8 ('|u1') arrays."),
        };

        var shape = new List<long>();
        foreach (var part in shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out var dim))
            {
                throw new DataException($"'{path}' has a malformed shape in its .npy header: ({shapeMatch.Groups[1].Value}).");
            }

            shape.Add(dim);
        }

        return (type, shape.ToArray());
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
