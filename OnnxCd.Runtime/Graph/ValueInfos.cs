using Onnx;

namespace OnnxCd.Runtime.Graph;

/// <summary>Typed graph inputs and outputs whose dynamic dimensions share the batch axis's symbol.</summary>
internal static class ValueInfos
{
    /// <summary>The symbolic name of the inputs' batch axis, reused for new inputs and outputs ("batch" when none).</summary>
    public static string BatchSymbol(GraphProto graph) =>
        graph.Input.Select(i => i.Type?.TensorType?.Shape?.Dim.FirstOrDefault()?.DimParam).FirstOrDefault(p => !string.IsNullOrEmpty(p)) ?? "batch";

    public static ValueInfoProto Create(string name, TensorInfo info, string batchSymbol)
    {
        var shape = new TensorShapeProto();
        foreach (var d in info.Shape.Dims)
        {
            shape.Dim.Add(d == TensorShape.Dynamic
                ? new TensorShapeProto.Types.Dimension { DimParam = batchSymbol }
                : new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)info.ElementType, Shape = shape } },
        };
    }
}
