using Onnx;

namespace OnnxCd.Runtime.Graph;

/// <summary>Typed graph inputs and outputs whose dynamic dimensions share the batch axis's symbol.</summary>
internal static class ValueInfos
{
    /// <summary>The symbolic name of the inputs' batch axis, reused for new inputs and outputs ("batch" when none).</summary>
    public static string BatchSymbol(GraphProto graph) =>
        graph.Input.Select(i => i.Type?.TensorType?.Shape?.Dim.FirstOrDefault()?.DimParam).FirstOrDefault(p => !string.IsNullOrEmpty(p)) ?? "batch";

    /// <summary>The declared dimensions of a tensor value: sizes, with <see cref="TensorShape.Dynamic"/> for symbolic or unknown ones.</summary>
    /// <exception cref="ModelException">A dimension is a negative size (−1 is read as unknown).</exception>
    public static TensorShape DeclaredShape(ValueInfoProto value)
    {
        var dims = value.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : TensorShape.Dynamic).ToArray();
        return Array.FindIndex(dims, d => d < TensorShape.Dynamic) is var bad and >= 0
            ? throw new ModelException($"'{value.Name}' is declared {FormatDims(value)}: dimension {bad} is {dims[bad]}, but a dimension is a size of at least 0 or a symbol.")
            : new TensorShape(dims);
    }

    /// <summary>The symbol of each declared dimension, null where the size is fixed.</summary>
    public static string?[] Symbols(ValueInfoProto value) =>
        value.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? null : d.DimParam).ToArray();

    /// <summary>The declared dimensions as text, for example <c>[batch,1,28,28]</c> ("?" for an unknown one).</summary>
    public static string FormatDims(ValueInfoProto value) =>
        "[" + string.Join(",", value.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : d.DimParam.Length > 0 ? d.DimParam : "?")) + "]";

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
