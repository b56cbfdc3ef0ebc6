using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>Reductions and global pooling. dy is first brought back to x's rank (unsqueezed where keepdims = 0), then spread.</summary>
internal static class ReductionRules
{
    /// <summary>y = Σ x over axes.  dx = expand(dy, shape(x)).</summary>
    public static void ReduceSum(GradientContext g)
    {
        var x = g.Input(0);
        if (ReducedAxes(g, x.Rank) is not { } axes)
        {
            g.SetInputGrad(0, g.Dy);
            return;
        }

        g.SetInputGrad(0, g.E.Expand(KeptDims(g, g.Dy, axes), g.E.ShapeOf(x), x.Shape));
    }

    /// <summary>y = mean of x over axes.  dx = expand(dy, shape(x)) / n, n the number of reduced elements (counted at run time when dynamic).</summary>
    public static void ReduceMean(GradientContext g)
    {
        var x = g.Input(0);
        if (ReducedAxes(g, x.Rank) is not { } axes)
        {
            g.SetInputGrad(0, g.Dy);
            return;
        }

        var shape = x.KnownShape;
        var share = axes.Any(a => shape.IsDynamic((int)a))
            ? g.E.Div(KeptDims(g, g.Dy, axes), g.E.Div(g.E.Cast(g.E.Size(x), x.ElementType), g.E.Cast(g.E.Size(g.Output(0)), x.ElementType)))
            : g.E.Mul(KeptDims(g, g.Dy, axes), 1.0 / axes.Aggregate(1L, (n, a) => n * shape[(int)a]));
        g.SetInputGrad(0, g.E.Expand(share, g.E.ShapeOf(x), x.Shape));
    }

    /// <summary>
    /// y = max (or min) of x over axes.  dx = dy / k at the k positions equal to y, else 0: ties share the
    /// gradient evenly, as PyTorch's amax/amin.
    /// </summary>
    public static void ReduceMaxMin(GradientContext g)
    {
        var x = g.Input(0);
        if (ReducedAxes(g, x.Rank) is not { } axes)
        {
            g.SetInputGrad(0, g.Dy);
            return;
        }

        var isExtreme = g.E.Equal(x, KeptDims(g, g.Output(0), axes));
        var ties = g.E.ReduceSum(g.E.Cast(isExtreme, x.ElementType), axes, keepDims: true);
        g.SetInputGrad(0, g.E.Where(isExtreme, g.E.Div(KeptDims(g, g.Dy, axes), ties), g.Scalar(0, x)));
    }

    /// <summary>
    /// y = Π x over axes.  dxᵢ = dy·Π_{j≠i} xⱼ, exact with zeros: with none in the slice dy·p/xᵢ; with one,
    /// dy·p at the zero and 0 elsewhere; with more, 0 (p = the product of the slice's non-zero values).
    /// </summary>
    public static void ReduceProd(GradientContext g)
    {
        var x = g.Input(0);
        if (ReducedAxes(g, x.Rank) is not { } axes)
        {
            g.SetInputGrad(0, g.Dy);
            return;
        }

        var e = g.E;
        var zero = g.Scalar(0, x);
        var isZero = e.Equal(x, zero);
        var nonZero = e.Where(isZero, g.Scalar(1, x), x);
        var product = e.Reduce("ReduceProd", nonZero, axes, keepDims: true);
        var zeros = e.ReduceSum(e.Cast(isZero, x.ElementType), axes, keepDims: true);
        var atZero = e.Where(e.Equal(zeros, g.Scalar(1, x)), product, zero);
        var elsewhere = e.Where(e.Equal(zeros, zero), e.Div(product, nonZero), zero);
        g.SetInputGrad(0, e.Mul(KeptDims(g, g.Dy, axes), e.Where(isZero, atZero, elsewhere)));
    }

    /// <summary>y = Σ x² over axes.  dx = 2x·dy.</summary>
    public static void ReduceSumSquare(GradientContext g)
    {
        var x = g.Input(0);
        var dy = ReducedAxes(g, x.Rank) is { } axes ? KeptDims(g, g.Dy, axes) : g.Dy;
        g.SetInputGrad(0, g.E.Mul(g.E.Mul(x, 2.0), dy));
    }

    /// <summary>y = Σ |x| over axes.  dx = sign(x)·dy.</summary>
    public static void ReduceL1(GradientContext g)
    {
        var x = g.Input(0);
        var dy = ReducedAxes(g, x.Rank) is { } axes ? KeptDims(g, g.Dy, axes) : g.Dy;
        g.SetInputGrad(0, g.E.Mul(g.E.Sign(x), dy));
    }

    /// <summary>y = √(Σ x²) over axes.  dx = x·dy / y, and 0 where y = 0 (as PyTorch's norm).</summary>
    public static void ReduceL2(GradientContext g)
    {
        var x = g.Input(0);
        var axes = ReducedAxes(g, x.Rank);
        var y = axes is null ? g.Output(0) : KeptDims(g, g.Output(0), axes);
        var dy = axes is null ? g.Dy : KeptDims(g, g.Dy, axes);
        var zero = g.Scalar(0, x);
        g.SetInputGrad(0, g.E.Where(g.E.Equal(y, zero), zero, g.E.Div(g.E.Mul(x, dy), y)));
    }

    /// <summary>
    /// y = cumulative sum of x along axis (exclusive: without xᵢ itself; reverse: from the end).
    /// dx = the same sum of dy run the other way: cumsum(dy, exclusive, reverse = ¬reverse).
    /// </summary>
    public static void CumSum(GradientContext g)
    {
        var dy = g.Dy;
        g.SetInputGrad(0, g.E.Op(
            "CumSum",
            [dy, g.Input(1)],
            dy.ElementType,
            dy.Shape,
            Attributes.Int("exclusive", g.Int("exclusive", 0)),
            Attributes.Int("reverse", 1 - g.Int("reverse", 0))));
    }

    /// <summary>y = ln Σ x over axes.  dx = dy·e^(−y).</summary>
    public static void ReduceLogSum(GradientContext g)
    {
        var x = g.Input(0);
        var axes = ReducedAxes(g, x.Rank);
        var y = axes is null ? g.Output(0) : KeptDims(g, g.Output(0), axes);
        var dy = axes is null ? g.Dy : KeptDims(g, g.Dy, axes);
        g.SetInputGrad(0, g.E.Expand(g.E.Mul(dy, g.E.Exp(g.E.Neg(y))), g.E.ShapeOf(x), x.Shape));
    }

    /// <summary>y = ln Σ eˣ over axes.  dx = dy·e^(x − y).</summary>
    public static void ReduceLogSumExp(GradientContext g)
    {
        var x = g.Input(0);
        var axes = ReducedAxes(g, x.Rank);
        var y = axes is null ? g.Output(0) : KeptDims(g, g.Output(0), axes);
        var dy = axes is null ? g.Dy : KeptDims(g, g.Dy, axes);
        g.SetInputGrad(0, g.E.Mul(dy, g.E.Exp(g.E.Sub(x, y))));
    }

    public static string? ReduceCheck(NodeView node)
    {
        var axisInput = GraphEmitter.ReduceAxesInputOpset(node.Node.OpType);
        return node.Opset >= axisInput ? RuleChecks.ConstantInput(node, 1, "Reduction axes") : null;
    }

    /// <summary>y = mean of x over the spatial axes.  dx = expand(dy / (H·W…), [1,1,H,W…]).</summary>
    public static void GlobalAveragePool(GradientContext g)
    {
        var x = g.Input(0);
        var spatial = x.KnownShape.Dims.Skip(2).ToArray();
        var share = g.E.Mul(g.Dy, 1.0 / spatial.Aggregate(1L, (a, b) => a * b));
        g.SetInputGrad(0, g.E.Expand(share, g.E.Ints([1, 1, .. spatial]), x.Shape));
    }

    /// <summary>
    /// y = max of x over the spatial axes.  dx = dy at the first maximum in row-major order, else 0
    /// (the single index PyTorch's adaptive max pooling routes the gradient to).
    /// </summary>
    public static void GlobalMaxPool(GradientContext g)
    {
        var x = g.Input(0);
        var shape = x.KnownShape;
        var channels = shape[1];
        var area = shape.Dims.Skip(2).Aggregate(1L, (a, b) => a * b);
        var e = g.E;
        var rows = e.ReshapeTo(x, new TensorShape([shape[0], channels, area]));
        var first = e.Op("ArgMax", [rows], DataType.Int64, new TensorShape([shape[0], channels, 1]), Attributes.Int("axis", 2), Attributes.Int("keepdims", 1));
        var positions = e.Constant(Enumerable.Range(0, (int)area).Select(i => (double)i).ToArray(), [1, 1, area], DataType.Int64);
        var dy = e.ReshapeTo(g.Dy, new TensorShape([shape[0], channels, 1]));
        var routed = e.Where(e.Equal(positions, first), dy, g.Scalar(0, x));
        g.SetInputGrad(0, e.ReshapeTo(routed, shape));
    }

    public static string? GlobalPoolCheck(NodeView node) => RuleChecks.StaticBeyondBatch(node, 0);

    /// <summary>The reduced axes, normalised; null when the node reduces nothing (empty axes with noop_with_empty_axes = 1).</summary>
    private static long[]? ReducedAxes(NodeView node, int rank)
    {
        var axisInput = GraphEmitter.ReduceAxesInputOpset(node.Node.OpType);
        var axes = node.Opset >= axisInput ? node.ConstantInts(1) : node.Ints("axes");
        if (axes is null || axes.Length == 0)
        {
            return node.Int("noop_with_empty_axes", 0) != 0 ? null : Enumerable.Range(0, rank).Select(a => (long)a).ToArray();
        }

        return axes.Select(a => a < 0 ? a + rank : a).Order().ToArray();
    }

    /// <summary>A reduction result with the reduced axes restored as size 1 (a no-op when keepdims = 1).</summary>
    private static TensorRef KeptDims(GradientContext g, TensorRef t, long[] axes)
    {
        if (g.Int("keepdims", 1) != 0)
        {
            return t;
        }

        var shape = g.Input(0).KnownShape;
        var kept = new TensorShape(shape.Dims.Select((d, i) => axes.Contains(i) ? 1L : d));
        return g.E.Unsqueeze(t, axes, kept);
    }
}
