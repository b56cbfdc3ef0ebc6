using Onnx;
using static OnnxCd.Runtime.Graph.Opsets.AttributeInputs;

namespace OnnxCd.Runtime.Graph.Opsets;

/// <summary>
/// Experimental ops of opsets 1–9 that ONNX removed at opset 10, written as the standard ops they are
/// made of. Those that are not a line of arithmetic are refused by <see cref="OpsetLift"/>.
/// </summary>
internal static class RemovedOps
{
    /// <summary>ImageScaler: y = scale·x + bias[c] over NCHW.</summary>
    public static IEnumerable<NodeProto> ImageScaler(NodeProto node, LiftContext c)
    {
        var x = node.Input[0];
        var scale = Take(node, "scale")?.F ?? 1;
        var bias = Take(node, "bias")?.Floats.Select(f => (double)f).ToArray() ?? [];
        var scaled = c.NewName(node.Output[0] + "_scaled");
        return
        [
            c.Node("Mul", [x, c.Like(node.Output[0] + "_scale", [scale], [], x)], [scaled], node.Output[0] + "_mul"),
            c.Node("Add", [scaled, c.Like(node.Output[0] + "_bias", bias, [1, bias.Length, 1, 1], x)], node.Output, node.Output[0] + "_add"),
        ];
    }

    /// <summary>Affine: y = alpha·x + beta.</summary>
    public static IEnumerable<NodeProto> Affine(NodeProto node, LiftContext c) =>
        ScaleShift(node, c, node.Input[0], Take(node, "alpha")?.F ?? 1, Take(node, "beta")?.F ?? 0, node.Output[0]);

    /// <summary>Scale: y = scale·x.</summary>
    public static IEnumerable<NodeProto> Scale(NodeProto node, LiftContext c) =>
        ScaleShift(node, c, node.Input[0], Take(node, "scale")?.F ?? 1, 0, node.Output[0]);

    /// <summary>ScaledTanh: y = alpha·tanh(beta·x).</summary>
    public static IEnumerable<NodeProto> ScaledTanh(NodeProto node, LiftContext c)
    {
        var alpha = Take(node, "alpha")?.F ?? 1;
        var beta = Take(node, "beta")?.F ?? 1;
        var inner = c.NewName(node.Output[0] + "_inner");
        var tanh = c.NewName(node.Output[0] + "_tanh");
        return
        [
            .. ScaleShift(node, c, node.Input[0], beta, 0, inner),
            c.Node("Tanh", [inner], [tanh], node.Output[0] + "_tanh"),
            .. ScaleShift(node, c, tanh, alpha, 0, node.Output[0]),
        ];
    }

    private static IEnumerable<NodeProto> ScaleShift(NodeProto node, LiftContext c, string x, double scale, double shift, string y)
    {
        if (shift == 0)
        {
            return [c.Node("Mul", [x, c.Like(y + "_scale", [scale], [], node.Input[0])], [y], y + "_mul")];
        }

        var scaled = c.NewName(y + "_scaled");
        return
        [
            c.Node("Mul", [x, c.Like(y + "_scale", [scale], [], node.Input[0])], [scaled], y + "_mul"),
            c.Node("Add", [scaled, c.Like(y + "_shift", [shift], [], node.Input[0])], [y], y + "_add"),
        ];
    }
}
