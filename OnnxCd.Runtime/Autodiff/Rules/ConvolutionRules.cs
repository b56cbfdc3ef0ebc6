using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>Convolutions, differentiated with respect to their data input only (weights are constants in OnnxCd).</summary>
internal static class ConvolutionRules
{
    /// <summary>
    /// y = conv(x, w) + b (any groups, strides, dilations, pads, auto_pad).  Stride 1: dx = conv(dy, w̃)
    /// with w̃ = w with in/out channels swapped per group and the kernel flipped, pads d·(k−1) − p
    /// (<see cref="FlippedConvolution"/>; ONNX Runtime's CPU Conv is faster than its ConvTranspose).
    /// Otherwise dx = conv_transpose(dy, w) with the same geometry, cut to x's size (<see cref="TransposedConvolution"/>).
    /// </summary>
    public static void Conv(GradientContext g)
    {
        var x = g.Input(0);
        var w = g.Input(1);
        var window = WindowGeometry.Read(g, Spatial(x), w.KnownShape.Dims.Skip(2).ToArray());
        var group = g.Int("group", 1);
        g.SetInputGrad(0, FlippedConvolution.Fits(window)
            ? FlippedConvolution.ToInput(g, g.Dy, w, window, group, x)
            : TransposedConvolution.ToInput(g, g.Dy, w, window, group, x));
    }

    /// <summary>
    /// y = conv_transpose(x, w).  dx = conv(dy, w) with the forward strides, dilations, group and pads
    /// (those output_shape or auto_pad imply, resolved from the sizes): w's layout [C_in, C_out/group, k…]
    /// is exactly Conv's [M, C/group, k…] seen from dy. Positions past the natural size (a negative end
    /// pad) carry only the bias: dy is cut to the natural size first.
    /// </summary>
    public static void ConvTranspose(GradientContext g)
    {
        var x = g.Input(0);
        var w = g.Input(1);
        var window = TransposedWindow(g);
        var dy = g.Dy;
        if (window.PadsEnd.Any(p => p < 0))
        {
            var outSpatial = Spatial(g.Output(0));
            var ends = outSpatial.Zip(window.PadsEnd, (o, p) => o + Math.Min(0, p)).ToArray();
            var axes = Enumerable.Range(2, window.Rank).Select(a => (long)a).ToArray();
            dy = g.E.Slice(dy, new long[window.Rank], ends, axes, null, new TensorShape([dy.KnownShape[0], dy.KnownShape[1], .. ends]));
            window = window with { PadsEnd = window.PadsEnd.Select(p => Math.Max(0, p)).ToArray() };
        }

        g.SetInputGrad(0, g.E.Op(
            "Conv",
            [dy, w],
            x.ElementType,
            x.Shape,
            Attributes.Ints("strides", window.Strides),
            Attributes.Ints("dilations", window.Dilations),
            Attributes.Ints("kernel_shape", window.Kernel),
            Attributes.Ints("pads", [.. window.PadsBegin, .. window.PadsEnd]),
            Attributes.Int("group", g.Int("group", 1))));
    }

    public static string? ConvCheck(NodeView node) =>
        RuleChecks.OnlyInputs(node, 0) ?? RuleChecks.StaticBeyondBatch(node, 0) ?? RuleChecks.ConstantShape(node, 1);

    private static WindowGeometry TransposedWindow(NodeView node) =>
        WindowGeometry.ReadTransposed(node, Spatial(node.Input(0)), Spatial(node.Output(0)), node.Input(1).KnownShape.Dims.Skip(2).ToArray());

    internal static long[] Spatial(TensorRef x) => x.KnownShape.Dims.Skip(2).ToArray();
}
