using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>
/// Activations and normalised exponentials. Kinks follow PyTorch: strict comparisons, so the
/// subgradient at a kink (x = 0 for ReLU, the bounds of Clip) is the one PyTorch uses.
/// </summary>
internal static class ActivationRules
{
    /// <summary>
    /// y = max(x, 0).  dx = dy where y > 0 (the same as x > 0, PyTorch's threshold_backward), else 0.
    /// Reading y rather than x leaves x with the Relu as its only reader, so ONNX Runtime can fuse the
    /// Relu into the Conv before it. (Before a MaxPool, <see cref="Rewrites.ReluMaskAtPooledSize"/>
    /// later moves this mask to the pooled size.)
    /// </summary>
    public static void Relu(GradientContext g)
    {
        var y = g.Output(0);
        g.SetInputGrad(0, g.E.Where(g.E.Greater(y, g.Scalar(0, y)), g.Dy, g.Scalar(0, y)));
    }

    /// <summary>y = x if x > 0 else αx.  dx = dy where x > 0, else α·dy.</summary>
    public static void LeakyRelu(GradientContext g)
    {
        var x = g.Input(0);
        var alpha = g.Float("alpha", 0.01f);
        g.SetInputGrad(0, g.E.Where(g.E.Greater(x, g.Scalar(0, x)), g.Dy, g.E.Mul(g.Dy, alpha)));
    }

    /// <summary>y = x if x > 0 else slope·x.  dx = dy where x > 0, else slope·dy (slope must be constant).</summary>
    public static void PRelu(GradientContext g)
    {
        var x = g.Input(0);
        g.SetInputGrad(0, g.E.Where(g.E.Greater(x, g.Scalar(0, x)), g.Dy, g.E.Mul(g.Dy, g.Input(1))));
    }

    /// <summary>y = x if x > α else 0.  dx = dy where x > α.</summary>
    public static void ThresholdedRelu(GradientContext g)
    {
        var x = g.Input(0);
        g.SetInputGrad(0, g.E.Where(g.E.Greater(x, g.Scalar(g.Float("alpha", 1f), x)), g.Dy, g.Scalar(0, x)));
    }

    /// <summary>
    /// y = min(max(x, lo), hi).  dx = dy where lo &lt; x &lt; hi (strict, as PyTorch's hardtanh_backward
    /// for ReLU6; torch.clamp's inclusive bounds differ only at the bounds themselves), else 0.
    /// The bounds are optional inputs (opset 11 and newer); an absent bound is open.
    /// </summary>
    public static void Clip(GradientContext g)
    {
        var x = g.Input(0);
        TensorRef? inside = g.HasInput(1) ? g.E.Greater(x, g.Input(1)) : null;
        if (g.HasInput(2))
        {
            var belowHigh = g.E.Less(x, g.Input(2));
            inside = inside is null ? belowHigh : g.E.And(inside, belowHigh);
        }

        g.SetInputGrad(0, inside is null ? g.Dy : g.E.Where(inside, g.Dy, g.Scalar(0, x)));
    }

    /// <summary>y = σ(x).  dx = dy·y·(1 − y).</summary>
    public static void Sigmoid(GradientContext g)
    {
        var y = g.Output(0);
        g.SetInputGrad(0, g.E.Mul(g.Dy, g.E.Mul(y, g.E.Sub(g.Scalar(1, y), y))));
    }

    /// <summary>y = tanh x.  dx = dy·(1 − y²).</summary>
    public static void Tanh(GradientContext g)
    {
        var y = g.Output(0);
        g.SetInputGrad(0, g.E.Mul(g.Dy, g.E.Sub(g.Scalar(1, y), g.E.Mul(y, y))));
    }

    /// <summary>y = max(0, min(1, αx + β)).  dx = α·dy where 0 &lt; αx + β &lt; 1 (strict, as PyTorch), else 0.</summary>
    public static void HardSigmoid(GradientContext g)
    {
        var x = g.Input(0);
        var alpha = g.Float("alpha", 0.2f);
        var t = g.E.Add(g.E.Mul(x, alpha), g.Scalar(g.Float("beta", 0.5f), x));
        var inside = g.E.And(g.E.Greater(t, g.Scalar(0, x)), g.E.Less(t, g.Scalar(1, x)));
        g.SetInputGrad(0, g.E.Where(inside, g.E.Mul(g.Dy, alpha), g.Scalar(0, x)));
    }

    /// <summary>y = x·relu6(x + 3)/6.  dx = 0 for x &lt; −3, dy·(x/3 + ½) for −3 ≤ x ≤ 3, dy above (PyTorch's hardswish_backward).</summary>
    public static void HardSwish(GradientContext g)
    {
        var x = g.Input(0);
        var slope = g.E.Add(g.E.Mul(x, 1.0 / 3.0), g.Scalar(0.5, x));
        var upToThree = g.E.Where(g.E.LessOrEqual(x, g.Scalar(3, x)), g.E.Mul(g.Dy, slope), g.Dy);
        g.SetInputGrad(0, g.E.Where(g.E.Less(x, g.Scalar(-3, x)), g.Scalar(0, x), upToThree));
    }

    /// <summary>y = x if x > 0 else α(eˣ − 1).  dx = dy where x > 0, else dy·(y + α).</summary>
    public static void Elu(GradientContext g)
    {
        var x = g.Input(0);
        var negative = g.E.Mul(g.Dy, g.E.Add(g.Output(0), g.Scalar(g.Float("alpha", 1f), x)));
        g.SetInputGrad(0, g.E.Where(g.E.Greater(x, g.Scalar(0, x)), g.Dy, negative));
    }

    /// <summary>y = γx if x > 0 else γα(eˣ − 1).  dx = γ·dy where x > 0, else dy·(y + γα).</summary>
    public static void Selu(GradientContext g)
    {
        var x = g.Input(0);
        var alpha = g.Float("alpha", 1.67326319217681884765625f);
        var gamma = g.Float("gamma", 1.05070102214813232421875f);
        var negative = g.E.Mul(g.Dy, g.E.Add(g.Output(0), g.Scalar(gamma * alpha, x)));
        g.SetInputGrad(0, g.E.Where(g.E.Greater(x, g.Scalar(0, x)), g.E.Mul(g.Dy, gamma), negative));
    }

    /// <summary>y = max(0, x) + min(0, α(e^(x/α) − 1)).  dx = dy where x > 0, else dy·(y/α + 1).</summary>
    public static void Celu(GradientContext g)
    {
        var x = g.Input(0);
        var alpha = g.Float("alpha", 1f);
        var negative = g.E.Mul(g.Dy, g.E.Add(g.E.Mul(g.Output(0), 1.0 / alpha), g.Scalar(1, x)));
        g.SetInputGrad(0, g.E.Where(g.E.Greater(x, g.Scalar(0, x)), g.Dy, negative));
    }

    /// <summary>y = x − b where x > λ, x + b where x &lt; −λ, else 0.  dx = dy where |x| > λ, else 0.</summary>
    public static void Shrink(GradientContext g)
    {
        var x = g.Input(0);
        var outside = g.E.Greater(g.E.Abs(x), g.Scalar(g.Float("lambd", 0.5f), x));
        g.SetInputGrad(0, g.E.Where(outside, g.Dy, g.Scalar(0, x)));
    }

    /// <summary>y = ln(1 + eˣ).  dx = dy·σ(x).</summary>
    public static void Softplus(GradientContext g) => g.SetInputGrad(0, g.E.Mul(g.Dy, g.E.Sigmoid(g.Input(0))));

    /// <summary>y = x / (1 + |x|).  dx = dy / (1 + |x|)².</summary>
    public static void Softsign(GradientContext g)
    {
        var x = g.Input(0);
        var denominator = g.E.Add(g.Scalar(1, x), g.E.Abs(x));
        g.SetInputGrad(0, g.E.Div(g.Dy, g.E.Mul(denominator, denominator)));
    }

    /// <summary>y = x·tanh(softplus x).  dx = dy·(t + x·(1 − t²)·σ(x)), t = tanh(softplus x).</summary>
    public static void Mish(GradientContext g)
    {
        var x = g.Input(0);
        var e = g.E;
        var t = e.Tanh(e.Op("Softplus", [x], x.ElementType, x.Shape));
        var slope = e.Add(t, e.Mul(e.Mul(x, e.Sub(g.Scalar(1, x), e.Mul(t, t))), e.Sigmoid(x)));
        g.SetInputGrad(0, e.Mul(g.Dy, slope));
    }

    /// <summary>y = erf x.  dx = dy·(2/√π)·e^(−x²).</summary>
    public static void Erf(GradientContext g)
    {
        var x = g.Input(0);
        var gauss = g.E.Exp(g.E.Neg(g.E.Mul(x, x)));
        g.SetInputGrad(0, g.E.Mul(g.Dy, g.E.Mul(gauss, 2.0 / Math.Sqrt(Math.PI))));
    }

    /// <summary>
    /// Gelu-20.  "none": y = xΦ(x), dx = dy·(Φ(x) + x·φ(x)).  "tanh": y = ½x(1 + t), t = tanh(√(2/π)(x + 0.044715x³)),
    /// dx = dy·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 0.134145x²)).
    /// </summary>
    public static void Gelu(GradientContext g)
    {
        var x = g.Input(0);
        var e = g.E;
        TensorRef slope;
        if (g.String("approximate", "none") == "tanh")
        {
            var c = Math.Sqrt(2 / Math.PI);
            var x2 = e.Mul(x, x);
            var u = e.Mul(e.Add(x, e.Mul(e.Mul(x2, x), 0.044715)), c);
            var t = e.Tanh(u);
            var half = g.Scalar(0.5, x);
            var dt = e.Mul(e.Sub(g.Scalar(1, x), e.Mul(t, t)), e.Mul(e.Add(g.Scalar(1, x), e.Mul(x2, 3 * 0.044715)), c));
            slope = e.Add(e.Mul(e.Add(g.Scalar(1, x), t), half), e.Mul(e.Mul(x, half), dt));
        }
        else
        {
            var cdf = e.Mul(e.Add(g.Scalar(1, x), e.Erf(e.Mul(x, 1 / Math.Sqrt(2)))), 0.5);
            var pdf = e.Mul(e.Exp(e.Mul(e.Mul(x, x), -0.5)), 1 / Math.Sqrt(2 * Math.PI));
            slope = e.Add(cdf, e.Mul(x, pdf));
        }

        g.SetInputGrad(0, e.Mul(g.Dy, slope));
    }

    /// <summary>y = softmax(x) over the axis (opset ≥ 13) or over axes [axis, r) (older opsets).  dx = y·(dy − Σ dy·y).</summary>
    public static void Softmax(GradientContext g)
    {
        var y = g.Output(0);
        var sum = g.E.ReduceSum(g.E.Mul(g.Dy, y), SoftmaxAxes(g, y.Rank), keepDims: true);
        g.SetInputGrad(0, g.E.Mul(y, g.E.Sub(g.Dy, sum)));
    }

    /// <summary>y = log softmax(x), axes as for Softmax.  dx = dy − eʸ·Σ dy.</summary>
    public static void LogSoftmax(GradientContext g)
    {
        var y = g.Output(0);
        var sum = g.E.ReduceSum(g.Dy, SoftmaxAxes(g, y.Rank), keepDims: true);
        g.SetInputGrad(0, g.E.Sub(g.Dy, g.E.Mul(g.E.Exp(y), sum)));
    }

    /// <summary>The one axis Softmax acts on (default −1; older models' 2-D coercion is spelled out when they are lifted to opset 17).</summary>
    private static long[] SoftmaxAxes(NodeView node, int rank)
    {
        var axis = node.Int("axis", -1);
        return [axis < 0 ? axis + rank : axis];
    }
}
