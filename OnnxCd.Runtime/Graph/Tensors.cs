using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Graph;

/// <summary>Creates small <see cref="TensorProto"/> constants and reads their values back.</summary>
internal static class Tensors
{
    /// <summary>A rank-0 tensor of a floating-point or integer type.</summary>
    public static TensorProto Scalar(double value, DataType type) => Create([value], [], type);

    /// <summary>A 1-D tensor of a floating-point or integer type.</summary>
    public static TensorProto Vector(double[] values, DataType type) => Create(values, [values.Length], type);

    /// <summary>A 1-D int64 tensor.</summary>
    public static TensorProto Ints(long[] values)
    {
        var tensor = new TensorProto { DataType = (int)DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor;
    }

    /// <summary>A tensor of the given dims from values converted to <paramref name="type"/>.</summary>
    public static TensorProto Create(double[] values, long[] dims, DataType type)
    {
        var tensor = new TensorProto { DataType = (int)type };
        tensor.Dims.AddRange(dims);
        tensor.RawData = type switch
        {
            DataType.Float => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.Select(v => (float)v).ToArray().AsSpan())),
            DataType.Double => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())),
            DataType.Float16 => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan())),
            DataType.Int64 => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.Select(v => (long)v).ToArray().AsSpan())),
            DataType.Int32 => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.Select(v => (int)v).ToArray().AsSpan())),
            DataType.Bool => ByteString.CopyFrom(values.Select(v => v != 0 ? (byte)1 : (byte)0).ToArray()),
            _ => throw new NotSupportedException($"OnnxCd does not create constants of type {ElementTypes.Name(type)}."),
        };
        return tensor;
    }

    /// <summary>The values of an integer tensor as int64 (exact, including INT64_MAX bounds).</summary>
    public static long[] ReadInts(TensorProto tensor)
    {
        var type = (DataType)tensor.DataType;
        if (type == DataType.Int64)
        {
            return tensor.RawData.IsEmpty ? tensor.Int64Data.ToArray() : MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray();
        }

        return ReadDoubles(tensor).Select(v => (long)v).ToArray();
    }

    /// <summary>The values of a numeric tensor as float64 (int64 beyond 2^53 loses precision).</summary>
    public static double[] ReadDoubles(TensorProto tensor)
    {
        var type = (DataType)tensor.DataType;
        var raw = tensor.RawData.Span;
        if (!raw.IsEmpty)
        {
            return type switch
            {
                DataType.Float => MemoryMarshal.Cast<byte, float>(raw).ToArray().Select(v => (double)v).ToArray(),
                DataType.Double => MemoryMarshal.Cast<byte, double>(raw).ToArray(),
                DataType.Float16 => MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(v => (double)v).ToArray(),
                DataType.Int64 => MemoryMarshal.Cast<byte, long>(raw).ToArray().Select(v => (double)v).ToArray(),
                DataType.Int32 => MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(v => (double)v).ToArray(),
                DataType.Int8 => MemoryMarshal.Cast<byte, sbyte>(raw).ToArray().Select(v => (double)v).ToArray(),
                DataType.Uint8 or DataType.Bool => raw.ToArray().Select(v => (double)v).ToArray(),
                _ => throw new NotSupportedException($"Cannot read constant '{tensor.Name}' of type {ElementTypes.Name(type)}."),
            };
        }

        return type switch
        {
            DataType.Float => tensor.FloatData.Select(v => (double)v).ToArray(),
            DataType.Double => tensor.DoubleData.ToArray(),
            DataType.Int64 => tensor.Int64Data.Select(v => (double)v).ToArray(),
            DataType.Int32 or DataType.Int8 or DataType.Uint8 or DataType.Bool => tensor.Int32Data.Select(v => (double)v).ToArray(),
            DataType.Float16 => tensor.Int32Data.Select(v => (double)BitConverter.UInt16BitsToHalf((ushort)v)).ToArray(),
            _ => throw new NotSupportedException($"Cannot read constant '{tensor.Name}' of type {ElementTypes.Name(type)}."),
        };
    }
}
