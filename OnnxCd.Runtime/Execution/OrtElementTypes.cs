using Microsoft.ML.OnnxRuntime.Tensors;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Execution;

/// <summary>ONNX Runtime's element types in ONNX's terms (ONNX Runtime numbers them as ONNX does).</summary>
internal static class OrtElementTypes
{
    public static DataType ToOnnx(TensorElementType type) => (DataType)(int)type;
}
