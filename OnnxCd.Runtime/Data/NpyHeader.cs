using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OnnxCd.Runtime.Data;

/// <summary>The header of a <c>.npy</c> file: element type, shape, and where the data starts.</summary>
/// <param name="Type">The element type.</param>
/// <param name="Shape">The dimensions.</param>
/// <param name="DataOffset">The byte offset of the first element.</param>
public sealed partial record NpyHeader(NpyType Type, long[] Shape, long DataOffset)
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The size of one element in bytes.</summary>
    public int ItemSize => Type switch { NpyType.Float32 or NpyType.Int32 => 4, NpyType.Int64 => 8, _ => 1 };

    /// <summary>The number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>Reads and checks the header of <paramref name="stream"/> (positioned at the start), against the stream's length.</summary>
    /// <exception cref="DataException">Not a .npy file, an unsupported dtype or order, or a size the file does not hold.</exception>
    public static NpyHeader Read(Stream stream, string path)
    {
        var prefix = new byte[10];
        if (stream.Read(prefix) < prefix.Length || !prefix.AsSpan(0, 6).SequenceEqual(s_magic))
        {
            throw new DataException($"'{path}' is not a .npy file (no \\x93NUMPY magic).");
        }

        var major = prefix[6];
        long headerLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(8));
        }
        else if (major is 2 or 3)
        {
            var extra = new byte[2];
            if (stream.ReadAtLeast(extra, 2, throwOnEndOfStream: false) < 2)
            {
                throw new DataException($"'{path}' ends inside its .npy header.");
            }

            headerLength = BinaryPrimitives.ReadUInt32LittleEndian([prefix[8], prefix[9], extra[0], extra[1]]);
        }
        else
        {
            throw new DataException($"'{path}' uses .npy format version {major}; versions 1, 2 and 3 are supported.");
        }

        if (headerLength <= 0 || headerLength > 1 << 20 || stream.Position + headerLength > stream.Length)
        {
            throw new DataException($"'{path}' has a .npy header of {headerLength} bytes, which the file cannot hold.");
        }

        var text = new byte[(int)headerLength];
        stream.ReadExactly(text);
        var (type, shape) = Parse(Encoding.Latin1.GetString(text), path);
        var header = new NpyHeader(type, shape, stream.Position);
        long expected;
        try
        {
            expected = checked(header.Count * header.ItemSize);
        }
        catch (OverflowException)
        {
            throw new DataException($"'{path}' declares shape {Graph.TensorShape.Format(shape)}, too large to be real.");
        }

        var available = stream.Length - header.DataOffset;
        if (available != expected)
        {
            throw new DataException($"'{path}' declares shape {Graph.TensorShape.Format(shape)} of {Name(type)} ({expected} bytes of data) but holds {available} bytes.");
        }

        return header;
    }

    /// <summary>The header text for an array of <paramref name="type"/> and <paramref name="shape"/> (version 1.0, padded to 64 bytes).</summary>
    public static byte[] Encode(NpyType type, long[] shape)
    {
        var dims = string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var tuple = shape.Length == 1 ? $"({dims},)" : $"({dims})";
        var dict = $"{{'descr': '{Descr(type)}', 'fortran_order': False, 'shape': {tuple}, }}";
        var unpadded = s_magic.Length + 4 + dict.Length + 1;
        var text = dict + new string(' ', (64 - (unpadded % 64)) % 64) + "\n";
        var bytes = new byte[s_magic.Length + 4 + text.Length];
        s_magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        Encoding.Latin1.GetBytes(text).CopyTo(bytes, 10);
        return bytes;
    }

    /// <summary>A readable name of the element type.</summary>
    public static string Name(NpyType type) => type switch
    {
        NpyType.Float32 => "float32",
        NpyType.UInt8 => "uint8",
        NpyType.Int64 => "int64",
        NpyType.Int32 => "int32",
        _ => "bool",
    };

    private static string Descr(NpyType type) => type switch
    {
        NpyType.Float32 => "<f4",
        NpyType.UInt8 => "|u1",
        NpyType.Int64 => "<i8",
        NpyType.Int32 => "<i4",
        _ => "|b1",
    };

    private static (NpyType Type, long[] Shape) Parse(string header, string path)
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
            "<i8" => NpyType.Int64,
            "<i4" => NpyType.Int32,
            "|b1" => NpyType.Bool,
            var other => throw new DataException($"'{path}' holds dtype '{other}'; OnnxCd reads float32 ('<f4') and uint8 ('|u1') images, and int64, int32, uint8 or bool labels and indicators."),
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
