using Onnx;

namespace OnnxCd.Runtime.Graph;

/// <summary>The element type and build-time shape of one tensor of a graph.</summary>
/// <param name="ElementType">The ONNX element type.</param>
/// <param name="Shape">The shape, with dynamic dimensions marked.</param>
public sealed record TensorInfo(TensorProto.Types.DataType ElementType, TensorShape Shape)
{
    /// <summary>Whether the element type is a floating-point type (the only kind that carries gradients).</summary>
    public bool IsFloat => ElementTypes.IsFloat(ElementType);

    /// <inheritdoc/>
    public override string ToString() => $"{ElementTypes.Name(ElementType)}{Shape}";
}
