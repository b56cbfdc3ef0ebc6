using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>Arithmetic and element-wise math. Gradients are written in the output's shape; the backward pass undoes broadcasting.</summary>
internal static class ElementwiseRules
{
    /// <summary>y = a + b.  da = dy, db = dy.</summary>
    public static void Add(GradientContext g)
    {
        g.SetInputGrad(0, g.Dy);
        g.SetInputGrad(1, g.Dy);
    }

    /// <summary>y = a − b.  da = dy, db = −dy.</summary>
    public static void Sub(GradientContext g)
    {
        g.SetInputGrad(0, g.Dy);
        if (g.NeedsInputGrad(1))
        {
            g.SetInputGrad(1, g.E.Neg(g.Dy));
        }
    }

    /// <summary>y = a·b.  da = dy·b, db = dy·a.</summary>
    public static void Mul(GradientContext g)
    {
        if (g.NeedsInputGrad(0))
        {
            g.SetInputGrad(0, g.E.Mul(g.Dy, g.Input(1)));
        }

        if (g.NeedsInputGrad(1))
        {
            g.SetInputGrad(1, g.E.Mul(g.Dy, g.Input(0)));
        }
    }

    /// <summary>y = a / b.  da = dy / b, db = −dy·y / b.  Reads b and y.</summary>
    public static void Div(GradientContext g)
    {
        if (g.NeedsInputGrad(0))
        {
            g.SetInputGrad(0, g.E.Div(g.Dy, g.Input(1)));
        }

        if (g.NeedsInputGrad(1))
        {
            g.SetInputGrad(1, g.E.Neg(g.E.Div(g.E.Mul(g.Dy, g.Output(0)), g.Input(1))));
        }
    }

    /// <summary>y = x^p with p off the path.  dx = dy·p·x^(p−1).  A constant p is folded at build time.</summary>
    public static void Pow(GradientContext g)
    {
        var x = g.Input(0);
        TensorRef p, pMinusOne;
        if (g.ConstantInput(1) is { } constant)
        {
            var values = Tensors.ReadDoubles(constant);
            var dims = constant.Dims.ToArray();
            p = g.E.Constant(values, dims, x.ElementType);
            pMinusOne = g.E.Constant(values.Select(v => v - 1).ToArray(), dims, x.ElementType);
        }
        else
        {
            p = g.Input(1).ElementType == x.ElementType ? g.Input(1) : g.E.Cast(g.Input(1), x.ElementType);
            pMinusOne = g.E.Sub(p, g.Scalar(1, x));
        }

        g.SetInputGrad(0, g.E.Mul(g.Dy, g.E.Mul(p, g.E.Pow(x, pMinusOne))));
    }

    public static string? PowCheck(NodeView node) => RuleChecks.OnlyInputs(node, 0);

    /// <summary>y = −x.  dx = −dy.</summary>
    public static void Neg(GradientContext g) => g.SetInputGrad(0, g.E.Neg(g.Dy));

    /// <summary>y = |x|.  dx = dy·sign(x)  (subgradient 0 at x = 0, as PyTorch).</summary>
    public static void Abs(GradientContext g) => g.SetInputGrad(0, g.E.Mul(g.Dy, g.E.Sign(g.Input(0))));

    /// <summary>y = eˣ.  dx = dy·y.</summary>
    public static void Exp(GradientContext g) => g.SetInputGrad(0, g.E.Mul(g.Dy, g.Output(0)));

    /// <summary>y = ln x.  dx = dy / x.</summary>
    public static void Log(GradientContext g) => g.SetInputGrad(0, g.E.Div(g.Dy, g.Input(0)));

    /// <summary>y = √x.  dx = dy·0.5 / y.</summary>
    public static void Sqrt(GradientContext g) => g.SetInputGrad(0, g.E.Div(g.E.Mul(g.Dy, 0.5), g.Output(0)));

    /// <summary>y = 1/x.  dx = −dy·y².</summary>
    public static void Reciprocal(GradientContext g)
    {
        var y = g.Output(0);
        g.SetInputGrad(0, g.E.Neg(g.E.Mul(g.Dy, g.E.Mul(y, y))));
    }

    /// <summary>y = x₀ + x₁ + … (variadic).  dxᵢ = dy.</summary>
    public static void Sum(GradientContext g)
    {
        for (var i = 0; i < g.InputCount; i++)
        {
            g.SetInputGrad(i, g.Dy);
        }
    }

    /// <summary>y = fmod(x, b) with b frozen.  dx = dy (away from the jumps at multiples of b, as PyTorch).</summary>
    public static void Mod(GradientContext g) => g.SetInputGrad(0, g.Dy);

    /// <summary>y = (x₀ + … + xₙ₋₁)/n (variadic).  dxᵢ = dy/n.</summary>
    public static void Mean(GradientContext g)
    {
        var share = g.E.Mul(g.Dy, 1.0 / g.InputCount);
        for (var i = 0; i < g.InputCount; i++)
        {
            g.SetInputGrad(i, share);
        }
    }

    /// <summary>y = max(x₀, …) or min(x₀, …) (variadic).  dxᵢ = dy·[xᵢ = y] / #{j : xⱼ = y}  (tied inputs share the gradient, as PyTorch's maximum and minimum).</summary>
    public static void MaxMin(GradientContext g)
    {
        var y = g.Output(0);
        var hits = Enumerable.Range(0, g.InputCount).Select(i => g.E.Cast(g.E.Equal(g.Input(i), y), y.ElementType)).ToList();
        var share = hits.Count == 1 ? g.Dy : g.E.Div(g.Dy, g.E.Sum(hits));
        for (var i = 0; i < g.InputCount; i++)
        {
            if (g.NeedsInputGrad(i))
            {
                g.SetInputGrad(i, g.E.Mul(share, hits[i]));
            }
        }
    }

    /// <summary>y = where(c, a, b).  da = where(c, dy, 0), db = where(c, 0, dy).  The condition carries no gradient.</summary>
    public static void Where(GradientContext g)
    {
        var condition = g.Input(0);
        var zero = g.Scalar(0, g.Dy);
        if (g.NeedsInputGrad(1))
        {
            g.SetInputGrad(1, g.E.Where(condition, g.Dy, zero));
        }

        if (g.NeedsInputGrad(2))
        {
            g.SetInputGrad(2, g.E.Where(condition, zero, g.Dy));
        }
    }

    /// <summary>y = x (Identity, Dropout in inference, Expand: the backward pass sums the broadcast axes).  dx = dy.</summary>
    public static void PassThrough(GradientContext g) => g.SetInputGrad(0, g.Dy);

    /// <summary>Dropout is the identity only in inference: refuse a constant-true training_mode.</summary>
    public static string? DropoutCheck(NodeView node) =>
        node.ConstantDoubles(2) is [not 0]
            ? "Dropout has training_mode = true; export the model in eval mode (model.eval())"
            : RuleChecks.OnlyInputs(node, 0);

    /// <summary>y = cast(x) between float types (Cast, and CastLike, whose second input gives only the type).  dx = cast(dy) back to x's type.</summary>
    public static void Cast(GradientContext g)
    {
        var x = g.Input(0);
        g.SetInputGrad(0, g.Dy.ElementType == x.ElementType ? g.Dy : g.E.Cast(g.Dy, x.ElementType));
    }
}
