using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>
/// Ops that read or write elements at index tensors (the indices are never differentiated): each
/// gradient sends dy back to the positions read, adding where an index repeats, or keeps dy where
/// nothing was overwritten.
/// </summary>
internal static class IndexingRules
{
    /// <summary>y[…, i, …] = x[…, idx[…, i, …], …] along axis.  dx = scatter_add(0, idx, dy) along axis.</summary>
    public static void GatherElements(GradientContext g)
    {
        var x = g.Input(0);
        g.SetInputGrad(0, g.E.ScatterElements(g.ZerosLike(x), g.Input(1), g.Dy, x.KnownShape.Axis(g.Int("axis", 0)), "add"));
    }

    /// <summary>y = x on and above (upper) or below (lower) the k-th diagonal, else 0.  dx = the same triangle of dy.</summary>
    public static void Trilu(GradientContext g)
    {
        var dy = g.Dy;
        TensorRef?[] inputs = g.HasInput(1) ? [dy, g.Input(1)] : [dy];
        g.SetInputGrad(0, g.E.Op("Trilu", inputs, dy.ElementType, dy.Shape, Attributes.Int("upper", g.Int("upper", 1))));
    }

    /// <summary>y = TopK(x) along axis with indices idx (output 1).  dx = scatter_add(0, idx, dy) along axis.</summary>
    public static void TopK(GradientContext g)
    {
        var x = g.Input(0);
        g.SetInputGrad(0, g.E.ScatterElements(g.ZerosLike(x), g.Output(1), g.Dy, x.KnownShape.Axis(g.Int("axis", -1)), "add"));
    }

    /// <summary>y = x with y[idx] = updates (reduction none).  dx = dy with the written positions zeroed.</summary>
    public static void ScatterElements(GradientContext g)
    {
        var updates = g.Input(2);
        g.SetInputGrad(0, g.E.ScatterElements(g.Dy, g.Input(1), g.ZerosLike(updates), g.Input(0).KnownShape.Axis(g.Int("axis", 0)), null));
    }

    /// <summary>y = x with y[idx] = updates (index tuples, reduction none).  dx = dy with the written positions zeroed.</summary>
    public static void ScatterND(GradientContext g)
    {
        var updates = g.Input(2);
        g.SetInputGrad(0, g.E.Op("ScatterND", [g.Dy, g.Input(1), g.ZerosLike(updates)], g.Dy.ElementType, g.Input(0).Shape));
    }

    /// <summary>y[i] = x[idx[i]] (index tuples, batch_dims 0).  dx = scatter_nd_add(0, idx, dy).</summary>
    public static void GatherND(GradientContext g)
    {
        var x = g.Input(0);
        g.SetInputGrad(0, g.E.Op("ScatterND", [g.ZerosLike(x), g.Input(1), g.Dy], x.ElementType, x.Shape, Attributes.String("reduction", "add")));
    }

    public static string? TopKCheck(NodeView node) => node.Node.Output.Count < 2 || node.Node.Output[1].Length == 0
        ? "TopK without its indices output: the gradient needs the positions it selected"
        : null;

    /// <summary>Only the data input is differentiated, and only a plain overwrite (reduction none).</summary>
    public static string? ScatterCheck(NodeView node) =>
        RuleChecks.OnlyInputs(node, 0)
        ?? (node.String("reduction", "none") is var reduction && reduction != "none"
            ? $"{node.Node.OpType} with reduction '{reduction}' has no gradient rule; reduction 'none' has one"
            : null);

    public static string? GatherNDCheck(NodeView node) => node.Int("batch_dims", 0) != 0
        ? $"GatherND with batch_dims = {node.Int("batch_dims", 0)} has no gradient rule; batch_dims 0 has one"
        : null;
}
