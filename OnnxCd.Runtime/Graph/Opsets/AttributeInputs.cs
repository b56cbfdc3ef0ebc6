using Onnx;

namespace OnnxCd.Runtime.Graph.Opsets;

/// <summary>
/// Attributes that later opsets turned into inputs: the value moves, as a constant, from the
/// attribute to the input of the same meaning; absent attributes stay absent inputs (their defaults
/// did not change).
/// </summary>
internal static class AttributeInputs
{
    /// <summary>Slice-1's starts, ends and axes attributes → inputs (opset 10).</summary>
    public static IEnumerable<NodeProto> Slice(NodeProto node, LiftContext c)
    {
        var starts = Take(node, "starts")?.Ints.ToArray() ?? throw c.Refuse(node, "Slice has no 'starts' attribute, which its opset requires");
        var ends = Take(node, "ends")?.Ints.ToArray() ?? throw c.Refuse(node, "Slice has no 'ends' attribute, which its opset requires");
        node.Input.Add(c.Ints(node.Output[0] + "_starts", starts));
        node.Input.Add(c.Ints(node.Output[0] + "_ends", ends));
        if (Take(node, "axes") is { } axes)
        {
            node.Input.Add(c.Ints(node.Output[0] + "_axes", axes.Ints));
        }

        return [node];
    }

    /// <summary>Pad-2's pads (Pad-1's paddings) and value attributes → inputs (opset 11); mode stays an attribute.</summary>
    public static IEnumerable<NodeProto> Pad(NodeProto node, LiftContext c)
    {
        var pads = (Take(node, "pads") ?? Take(node, "paddings"))?.Ints.ToArray() ?? throw c.Refuse(node, "Pad has no 'pads' attribute, which its opset requires");
        var value = Take(node, "value")?.F ?? 0;
        node.Input.Add(c.Ints(node.Output[0] + "_pads", pads));
        if (value != 0)
        {
            node.Input.Add(c.Like(node.Output[0] + "_value", [value], [], node.Input[0]));
        }

        return [node];
    }

    /// <summary>Clip-6's min and max attributes → inputs (opset 11), of the clipped tensor's type.</summary>
    public static IEnumerable<NodeProto> Clip(NodeProto node, LiftContext c)
    {
        var min = Take(node, "min");
        var max = Take(node, "max");
        if (min is not null || max is not null)
        {
            node.Input.Add(min is null ? "" : c.Like(node.Output[0] + "_min", [min.F], [], node.Input[0]));
        }

        if (max is not null)
        {
            node.Input.Add(c.Like(node.Output[0] + "_max", [max.F], [], node.Input[0]));
        }

        return [node];
    }

    /// <summary>TopK-1's k attribute → a one-element input (opset 10).</summary>
    public static IEnumerable<NodeProto> TopK(NodeProto node, LiftContext c)
    {
        var k = Take(node, "k") ?? throw c.Refuse(node, "TopK has no 'k' attribute, which its opset requires");
        node.Input.Add(c.Ints(node.Output[0] + "_k", [k.I]));
        return [node];
    }

    /// <summary>Dropout's ratio attribute → input (opset 12); inference ignores it either way, the value is kept.</summary>
    public static IEnumerable<NodeProto> Dropout(NodeProto node, LiftContext c)
    {
        if (Take(node, "ratio") is { } ratio)
        {
            node.Input.Add(c.Constant(node.Output[0] + "_ratio", Tensors.Scalar(ratio.F, TensorProto.Types.DataType.Float)));
        }

        return [node];
    }

    /// <summary>Reshape-1's shape attribute → input (opset 5).</summary>
    public static IEnumerable<NodeProto> Reshape(NodeProto node, LiftContext c) => Move(node, c, "shape");

    /// <summary>The axes attribute of Squeeze, Unsqueeze and ReduceSum → input (opset 13).</summary>
    public static IEnumerable<NodeProto> Axes(NodeProto node, LiftContext c) => Move(node, c, "axes");

    /// <summary>Split's split attribute → input (opset 13).</summary>
    public static IEnumerable<NodeProto> Split(NodeProto node, LiftContext c) => Move(node, c, "split");

    private static IEnumerable<NodeProto> Move(NodeProto node, LiftContext c, string attribute)
    {
        if (Take(node, attribute) is { } values)
        {
            node.Input.Add(c.Ints(node.Output[0] + "_" + attribute, values.Ints));
        }

        return [node];
    }

    /// <summary>Removes attribute <paramref name="name"/> from <paramref name="node"/> and returns it; null when absent.</summary>
    public static AttributeProto? Take(NodeProto node, string name)
    {
        var attribute = Attributes.Find(node, name);
        if (attribute is not null)
        {
            node.Attribute.Remove(attribute);
        }

        return attribute;
    }
}
