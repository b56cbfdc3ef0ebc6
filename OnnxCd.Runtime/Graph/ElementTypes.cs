using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Graph;

/// <summary>Facts about ONNX element types, and the mapping from ONNX Runtime's enum.</summary>
internal static class ElementTypes
{
    public static bool IsFloat(DataType type) => type is DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16;

    public static string Name(DataType type) => type switch
    {
        DataType.Float => "float32",
        DataType.Double => "float64",
        DataType.Float16 => "float16",
        DataType.Bfloat16 => "bfloat16",
        DataType.Int64 => "int64",
        DataType.Int32 => "int32",
        DataType.Uint8 => "uint8",
        DataType.Int8 => "int8",
        DataType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>Bytes per element; 0 for types without a fixed size (string, and anything unknown).</summary>
    public static int Bytes(DataType type) => type switch
    {
        DataType.Bool or DataType.Int8 or DataType.Uint8 => 1,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 2,
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Double or DataType.Int64 or DataType.Uint64 or DataType.Complex64 => 8,
        DataType.Complex128 => 16,
        _ => 0,
    };
}
