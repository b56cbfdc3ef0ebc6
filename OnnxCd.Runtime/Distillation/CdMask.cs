using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Distillation;

/// <summary>The mask's parametrisation (cd-algorithm.md section 1), written once: as graph nodes and for one value.</summary>
internal static class CdMask
{
    /// <summary>m = (tanh θ + 1) / 2, as nodes.</summary>
    public static TensorRef Emit(GraphEmitter e, TensorRef theta) => e.Mul(e.Add(e.Tanh(theta), e.Scalar(1, DataType.Float)), 0.5);

    /// <summary>m = (tanh θ + 1) / 2, for one θ.</summary>
    public static float Of(float theta) => (MathF.Tanh(theta) + 1) / 2;
}
