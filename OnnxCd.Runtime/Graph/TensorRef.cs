using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Graph;

/// <summary>A tensor of a graph under construction: its name, element type and, where known, its shape.</summary>
/// <param name="Name">The tensor name in the graph.</param>
/// <param name="ElementType">The ONNX element type.</param>
/// <param name="Shape">The build-time shape, or null where the emitter cannot tell it.</param>
internal sealed record TensorRef(string Name, DataType ElementType, TensorShape? Shape)
{
    public int Rank => Shape?.Rank ?? throw new InvalidOperationException($"The rank of '{Name}' is not known.");

    public TensorShape KnownShape => Shape ?? throw new InvalidOperationException($"The shape of '{Name}' is not known.");

    public override string ToString() => $"'{Name}' {ElementTypes.Name(ElementType)}{Shape?.ToString() ?? "[?]"}";
}
