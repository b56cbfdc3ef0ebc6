using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>The circular and hyperbolic functions and their inverses, element-wise.</summary>
internal static class TrigonometricRules
{
    /// <summary>y = sin x.  dx = dy·cos x.</summary>
    public static void Sin(GradientContext g) => g.SetInputGrad(0, g.E.Mul(g.Dy, Apply(g, "Cos")));

    /// <summary>y = cos x.  dx = −dy·sin x.</summary>
    public static void Cos(GradientContext g) => g.SetInputGrad(0, g.E.Neg(g.E.Mul(g.Dy, Apply(g, "Sin"))));

    /// <summary>y = tan x.  dx = dy·(1 + y²).</summary>
    public static void Tan(GradientContext g)
    {
        var y = g.Output(0);
        g.SetInputGrad(0, g.E.Mul(g.Dy, g.E.Add(g.Scalar(1, y), g.E.Mul(y, y))));
    }

    /// <summary>y = asin x.  dx = dy / √(1 − x²).</summary>
    public static void Asin(GradientContext g) => g.SetInputGrad(0, g.E.Div(g.Dy, RootOf(g, 1, -1)));

    /// <summary>y = acos x.  dx = −dy / √(1 − x²).</summary>
    public static void Acos(GradientContext g) => g.SetInputGrad(0, g.E.Neg(g.E.Div(g.Dy, RootOf(g, 1, -1))));

    /// <summary>y = atan x.  dx = dy / (1 + x²).</summary>
    public static void Atan(GradientContext g) => g.SetInputGrad(0, g.E.Div(g.Dy, SquarePlus(g, 1, 1)));

    /// <summary>y = sinh x.  dx = dy·cosh x.</summary>
    public static void Sinh(GradientContext g) => g.SetInputGrad(0, g.E.Mul(g.Dy, Apply(g, "Cosh")));

    /// <summary>y = cosh x.  dx = dy·sinh x.</summary>
    public static void Cosh(GradientContext g) => g.SetInputGrad(0, g.E.Mul(g.Dy, Apply(g, "Sinh")));

    /// <summary>y = asinh x.  dx = dy / √(x² + 1).</summary>
    public static void Asinh(GradientContext g) => g.SetInputGrad(0, g.E.Div(g.Dy, RootOf(g, 1, 1)));

    /// <summary>y = acosh x.  dx = dy / √(x² − 1).</summary>
    public static void Acosh(GradientContext g) => g.SetInputGrad(0, g.E.Div(g.Dy, RootOf(g, -1, 1)));

    /// <summary>y = atanh x.  dx = dy / (1 − x²).</summary>
    public static void Atanh(GradientContext g) => g.SetInputGrad(0, g.E.Div(g.Dy, SquarePlus(g, 1, -1)));

    private static TensorRef Apply(GradientContext g, string opType) => g.E.Op(opType, [g.Input(0)], g.Input(0).ElementType, g.Input(0).Shape);

    /// <summary>c + s·x².</summary>
    private static TensorRef SquarePlus(GradientContext g, double c, double s)
    {
        var x = g.Input(0);
        var square = g.E.Mul(x, x);
        return g.E.Add(g.Scalar(c, x), s == 1 ? square : g.E.Mul(square, s));
    }

    /// <summary>√(c + s·x²).</summary>
    private static TensorRef RootOf(GradientContext g, double c, double s) => g.E.Sqrt(SquarePlus(g, c, s));
}
