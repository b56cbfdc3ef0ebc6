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
    /// y = conv_transpose(x, w).  dx = conv(dy, w) with the forward strides, dilations, group and pads:
    /// w's layout [C_in, C_out/group, k…] is exactly Conv's [M, C/group, k…] seen from dy.
    /// </summary>
    public static void ConvTranspose(GradientContext g)
    {
        var x = g.Input(0);
        var w = g.Input(1);
        var window = WindowGeometry.Read(g, Spatial(x), w.KnownShape.Dims.Skip(2).ToArray());
        g.SetInputGrad(0, g.E.Op(
            "Conv",
            [g.Dy, w],
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

    public static string? ConvTransposeCheck(NodeView node) =>
        ConvCheck(node)
        ?? (node.Ints("output_shape") is not null ? "ConvTranspose with an output_shape attribute is not supported; give pads and output_padding instead" : null)
        ?? (node.String("auto_pad", "NOTSET") is "SAME_UPPER" or "SAME_LOWER" ? "ConvTranspose with auto_pad SAME_* is not supported; give explicit pads" : null);

    internal static long[] Spatial(TensorRef x) => x.KnownShape.Dims.Skip(2).ToArray();
}
