using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>
/// The adjoint of a strided, dilated, padded window operation, written as ConvTranspose: it
/// sends each output gradient back over the input positions its window read.
/// </summary>
internal static class TransposedConvolution
{
    /// <summary>
    /// ConvTranspose(dy, w) cut to the input size. With symmetric begin/end pads the exact size is
    /// reached through output_padding; otherwise the "canvas" form is used (zero pads, then Slice and a
    /// zero tail), since CUDA sends ConvTranspose with asymmetric pads to the CPU.
    /// </summary>
    /// <param name="g">The rule's context.</param>
    /// <param name="dy">The gradient of the window operation's output, [N, M, out…].</param>
    /// <param name="weight">The kernel in Conv layout [M, C/group, k…].</param>
    /// <param name="window">Strides, dilations and begin pads of the forward operation.</param>
    /// <param name="group">The forward group count.</param>
    /// <param name="x">The forward input, whose shape the result takes.</param>
    public static TensorRef ToInput(GradientContext g, TensorRef dy, TensorRef weight, WindowGeometry window, long group, TensorRef x)
    {
        var shape = x.KnownShape;
        var outSpatial = dy.KnownShape.Dims.Skip(2).ToArray();
        var rank = window.Rank;
        var canvas = Enumerable.Range(0, rank).Select(i => (window.Strides[i] * (outSpatial[i] - 1)) + window.Span(i)).ToArray();
        var inSpatial = shape.Dims.Skip(2).ToArray();
        var outputPadding = Enumerable.Range(0, rank).Select(i => inSpatial[i] + (2 * window.PadsBegin[i]) - canvas[i]).ToArray();
        var symmetric = Enumerable.Range(0, rank).All(i => outputPadding[i] >= 0 && outputPadding[i] < window.Strides[i]);

        var common = new List<Onnx.AttributeProto>
        {
            Attributes.Ints("strides", window.Strides),
            Attributes.Ints("dilations", window.Dilations),
            Attributes.Ints("kernel_shape", window.Kernel),
            Attributes.Int("group", group),
        };
        var channels = shape[1];
        if (symmetric)
        {
            common.Add(Attributes.Ints("pads", [.. window.PadsBegin, .. window.PadsBegin]));
            common.Add(Attributes.Ints("output_padding", outputPadding));
            return g.E.Op("ConvTranspose", [dy, weight], dy.ElementType, shape, [.. common]);
        }

        var full = new TensorShape([shape[0], channels, .. canvas]);
        var t = g.E.Op("ConvTranspose", [dy, weight], dy.ElementType, full, [.. common]);
        var axes = Enumerable.Range(2, rank).Select(a => (long)a).ToArray();
        var ends = Enumerable.Range(0, rank).Select(i => Math.Min(window.PadsBegin[i] + inSpatial[i], canvas[i])).ToArray();
        var cutSpatial = Enumerable.Range(0, rank).Select(i => ends[i] - window.PadsBegin[i]).ToArray();
        t = g.E.Slice(t, window.PadsBegin, ends, axes, null, new TensorShape([shape[0], channels, .. cutSpatial]));
        if (cutSpatial.SequenceEqual(inSpatial))
        {
            return t;
        }

        var pads = new long[2 * (rank + 2)];
        for (var i = 0; i < rank; i++)
        {
            pads[rank + 2 + 2 + i] = inSpatial[i] - cutSpatial[i];
        }

        return g.E.Pad(t, pads, shape);
    }
}
