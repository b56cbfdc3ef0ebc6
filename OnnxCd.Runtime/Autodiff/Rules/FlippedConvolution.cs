using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>
/// The input gradient of a stride-1 convolution written as another convolution: each output
/// gradient is spread back over the window that read it, which is a correlation of dy with the
/// kernel flipped in space and with input and output channels swapped within each group.
/// ONNX Runtime's CPU Conv has faster kernels than its ConvTranspose on the same shapes.
/// </summary>
internal static class FlippedConvolution
{
    /// <summary>Whether the forward window can be inverted this way: stride 1 everywhere, and pads no larger than the dilated kernel's reach.</summary>
    public static bool Fits(WindowGeometry window) =>
        Enumerable.Range(0, window.Rank).All(i => window.Strides[i] == 1 && window.PadsBegin[i] <= window.Span(i) - 1 && window.PadsEnd[i] <= window.Span(i) - 1);

    /// <summary>dx = conv(dy, w̃, pads = d·(k−1) − p), whose output is exactly x's size for stride 1.</summary>
    /// <param name="g">The rule's context.</param>
    /// <param name="dy">The gradient of the convolution's output, [N, M, out…].</param>
    /// <param name="weight">The kernel [M, C/group, k…].</param>
    /// <param name="window">The forward geometry (<see cref="Fits"/> holds).</param>
    /// <param name="group">The forward group count.</param>
    /// <param name="x">The forward input, whose shape the result takes.</param>
    public static TensorRef ToInput(GradientContext g, TensorRef dy, TensorRef weight, WindowGeometry window, long group, TensorRef x)
    {
        var rank = window.Rank;
        var reach = Enumerable.Range(0, rank).Select(i => window.Span(i) - 1).ToArray();
        var pads = Enumerable.Range(0, rank).Select(i => reach[i] - window.PadsBegin[i])
            .Concat(Enumerable.Range(0, rank).Select(i => reach[i] - window.PadsEnd[i])).ToArray();
        return g.E.Op(
            "Conv",
            [dy, FlippedKernel(g, weight, group)],
            dy.ElementType,
            x.KnownShape,
            Attributes.Ints("dilations", window.Dilations),
            Attributes.Ints("kernel_shape", window.Kernel),
            Attributes.Ints("pads", pads),
            Attributes.Int("group", group));
    }

    /// <summary>w [M, C/g, k…] → w̃ [C, M/g, k…]: w̃[gi·C/g + c, m, κ] = w[gi·M/g + m, c, k − 1 − κ].</summary>
    private static TensorRef FlippedKernel(GradientContext g, TensorRef weight, long group)
    {
        var dims = weight.KnownShape.Dims;
        var kernel = dims.Skip(2).ToArray();
        var rank = kernel.Length;
        long outPerGroup = dims[0] / group, inPerGroup = dims[1];
        var spatialAxes = Enumerable.Range(2, rank).Select(a => (long)a).ToArray();
        TensorRef swapped;
        if (group == 1)
        {
            swapped = g.E.Transpose(weight, [1, 0, .. spatialAxes]);
        }
        else
        {
            var grouped = g.E.Reshape(weight, g.E.Ints([group, outPerGroup, inPerGroup, .. kernel]), new TensorShape([group, outPerGroup, inPerGroup, .. kernel]));
            var transposed = g.E.Transpose(grouped, [0, 2, 1, .. Enumerable.Range(3, rank).Select(a => (long)a)]);
            swapped = g.E.Reshape(transposed, g.E.Ints([group * inPerGroup, outPerGroup, .. kernel]), new TensorShape([group * inPerGroup, outPerGroup, .. kernel]));
        }

        var reversed = Enumerable.Repeat(-1L, rank).ToArray();
        return g.E.Slice(swapped, reversed, Enumerable.Repeat(long.MinValue, rank).ToArray(), spatialAxes, reversed, swapped.Shape);
    }
}
