using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>Normalisation layers in inference form; their parameters never receive gradients.</summary>
internal static class NormalizationRules
{
    /// <summary>
    /// BatchNormalization (inference): y = (x − mean)·k + b with k = scale/√(var + ε) per channel (axis 1).
    /// dx = dy·k, k reshaped to [C,1,…,1].
    /// </summary>
    public static void BatchNormalization(GradientContext g)
    {
        var x = g.Input(0);
        var scale = AsTypeOf(g, g.Input(1), x);
        var variance = AsTypeOf(g, g.Input(4), x);
        var k = g.E.Div(scale, g.E.Sqrt(g.E.Add(variance, g.Scalar(g.Float("epsilon", 1e-5f), x))));
        var channels = x.KnownShape[1];
        var perChannel = g.E.ReshapeTo(k, new TensorShape(new long[x.Rank - 1].Select((_, i) => i == 0 ? channels : 1L)));
        g.SetInputGrad(0, g.E.Mul(g.Dy, perChannel));
    }

    public static string? BatchNormalizationCheck(NodeView node) => ModelSignature.IsTrainingBatchNorm(node.Node)
        ? "BatchNormalization is in training mode (batch statistics); export the model in eval mode (model.eval())"
        : RuleChecks.OnlyInputs(node, 0) ?? (node.Input(0).KnownShape is { Rank: >= 2 } s && !s.IsDynamic(1) ? null : "the channel axis (1) of the input must have a fixed size");

    /// <summary>
    /// LayerNormalization-17 over axes [axis, r) of n elements: x̂ = (x − μ)·ρ, y = x̂·scale + b.  With
    /// g = dy·scale, dx = ρ·(g − mean(g) − x̂·mean(g·x̂)); where the outputs μ and ρ carry gradients
    /// dμ, dρ too, dx += dμ/n − dρ·ρ²·x̂/n.  An output no gradient reaches counts as zero (only μ or ρ
    /// may be on the path).  μ and ρ are read from the node's optional outputs, added when absent.
    /// </summary>
    public static void LayerNormalization(GradientContext g)
    {
        var x = g.Input(0);
        var shape = x.KnownShape;
        var axis = shape.Axis(g.Int("axis", -1));
        var axes = Enumerable.Range(axis, shape.Rank - axis).Select(a => (long)a).ToArray();
        var statsShape = new TensorShape(shape.Dims.Select((d, i) => i < axis ? d : 1L));
        var statsType = g.Int("stash_type", 1) == 1 ? DataType.Float : x.ElementType;
        var mean = AsTypeOf(g, g.ForwardOutput(1, statsType, statsShape), x);
        var invStdDev = AsTypeOf(g, g.ForwardOutput(2, statsType, statsShape), x);
        var count = axes.Aggregate(1L, (n, a) => n * shape[(int)a]);

        var e = g.E;
        var xHat = e.Mul(e.Sub(x, mean), invStdDev);
        TensorRef dx;
        if (g.OutputGrad(0) is { } dy)
        {
            dx = StandardizedGrad(e, e.Mul(dy, AsTypeOf(g, g.Input(1), x)), xHat, invStdDev, axes, count);
        }
        else
        {
            dx = g.ZerosLike(x);
        }

        if (g.OutputGrad(1) is { } dMean)
        {
            dx = e.Add(dx, e.Mul(AsTypeOf(g, dMean, x), 1.0 / count));
        }

        if (g.OutputGrad(2) is { } dInvStdDev)
        {
            var rho2 = e.Mul(invStdDev, invStdDev);
            dx = e.Add(dx, e.Mul(e.Mul(e.Mul(AsTypeOf(g, dInvStdDev, x), rho2), xHat), -1.0 / count));
        }

        g.SetInputGrad(0, dx);
    }

    /// <summary>
    /// y = x·s^(−β), s = k + (α/n)·W(x²), W the sum over a window of n channels (from c − ⌊(n−1)/2⌋ to
    /// c + ⌈(n−1)/2⌉).  dx = dy·s^(−β) − (2αβ/n)·x·Wᵀ(dy·x·s^(−β−1)), Wᵀ the window mirrored.
    /// </summary>
    public static void LRN(GradientContext g)
    {
        var x = g.Input(0);
        var e = g.E;
        var size = g.Int("size", 1);
        var alpha = g.Float("alpha", 1e-4f);
        var beta = g.Float("beta", 0.75f);
        var (below, above) = ((size - 1) / 2, size - 1 - ((size - 1) / 2));
        var s = e.Add(e.Mul(ChannelWindowSum(g, e.Mul(x, x), below, above), alpha / size), g.Scalar(g.Float("bias", 1f), x));
        var sBeta = e.Pow(s, g.Scalar(-beta, x));
        var inner = e.Mul(e.Mul(g.Dy, x), e.Div(sBeta, s));
        var back = e.Mul(e.Mul(x, ChannelWindowSum(g, inner, above, below)), 2.0 * alpha * beta / size);
        g.SetInputGrad(0, e.Sub(e.Mul(g.Dy, sBeta), back));
    }

    /// <summary>Σ of t over channels c − below … c + above (clipped to the tensor): a Conv of ones along the channel axis moved to a spatial one.</summary>
    private static TensorRef ChannelWindowSum(GradientContext g, TensorRef t, long below, long above)
    {
        var shape = t.KnownShape;
        var rank = shape.Rank;
        var lifted = new TensorShape([shape[0], 1, .. shape.Dims.Skip(1)]);
        var kernelDims = new long[] { 1, 1, below + above + 1 }.Concat(Enumerable.Repeat(1L, rank - 2)).ToArray();
        var kernel = g.E.Constant(Enumerable.Repeat(1.0, (int)(below + above + 1)).ToArray(), kernelDims, t.ElementType);
        var pads = new long[2 * (rank - 1)];
        pads[0] = below;
        pads[rank - 1] = above;
        var summed = g.E.Op("Conv", [g.E.Unsqueeze(t, [1], lifted), kernel], t.ElementType, lifted, Attributes.Ints("pads", pads));
        return g.E.Squeeze(summed, [1], shape);
    }

    /// <summary>
    /// y = s_c·x̂ + b_c, x̂ = (x − μ)·ρ, μ and ρ = 1/√(σ² + ε) over the spatial axes of each (n, c).
    /// dx = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = dy·s_c, means over the spatial axes.
    /// </summary>
    public static void InstanceNormalization(GradientContext g)
    {
        var x = g.Input(0);
        var shape = x.KnownShape;
        var axes = Enumerable.Range(2, shape.Rank - 2).Select(a => (long)a).ToArray();
        var count = axes.Aggregate(1L, (n, a) => n * shape[(int)a]);
        var (xHat, invStdDev) = Standardize(g, x, axes, count);
        var channelShape = new TensorShape([shape[1], .. Enumerable.Repeat(1L, shape.Rank - 2)]);
        var scaled = g.E.Mul(g.Dy, g.E.ReshapeTo(AsTypeOf(g, g.Input(1), x), channelShape));
        g.SetInputGrad(0, StandardizedGrad(g.E, scaled, xHat, invStdDev, axes, count));
    }

    /// <summary>
    /// y = s·x̂ + b, x̂ standardised over each group of C/G channels and the spatial axes: x is viewed as
    /// [N, G, C/G, …].  dx = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) over the group, ĝ = dy·s; s has one value per
    /// group at opset 18–20 and one per channel from opset 21.
    /// </summary>
    public static void GroupNormalization(GradientContext g)
    {
        var x = g.Input(0);
        var shape = x.KnownShape;
        var groups = g.Int("num_groups", 1);
        var perGroup = shape[1] / groups;
        var spatial = shape.Dims.Skip(2).ToArray();
        var grouped = new TensorShape([shape[0], groups, perGroup, .. spatial]);
        var axes = Enumerable.Range(2, grouped.Rank - 2).Select(a => (long)a).ToArray();
        var count = perGroup * spatial.Aggregate(1L, (n, d) => n * d);
        var (xHat, invStdDev) = Standardize(g, g.E.ReshapeTo(x, grouped), axes, count);
        var scaleShape = new TensorShape([groups, g.Opset >= 21 ? perGroup : 1, .. Enumerable.Repeat(1L, spatial.Length)]);
        var scaled = g.E.Mul(g.E.ReshapeTo(g.Dy, grouped), g.E.ReshapeTo(AsTypeOf(g, g.Input(1), x), scaleShape));
        g.SetInputGrad(0, g.E.ReshapeTo(StandardizedGrad(g.E, scaled, xHat, invStdDev, axes, count), shape, like: x));
    }

    public static string? GroupNormalizationCheck(NodeView node)
    {
        var channels = node.Input(0).KnownShape[1];
        var groups = node.Int("num_groups", 0);
        return groups > 0 && channels % groups == 0
            ? RuleChecks.OnlyInputs(node, 0)
            : $"GroupNormalization has num_groups = {groups}, which does not divide the {channels} channels";
    }

    /// <summary>x̂ = (x − μ)·ρ and ρ = 1/√(σ² + ε), with μ and σ² over <paramref name="axes"/> (<paramref name="count"/> elements).</summary>
    private static (TensorRef XHat, TensorRef InvStdDev) Standardize(GradientContext g, TensorRef x, long[] axes, long count)
    {
        var e = g.E;
        var centred = e.Sub(x, e.Mul(e.ReduceSum(x, axes, keepDims: true), 1.0 / count));
        var variance = e.Mul(e.ReduceSum(e.Mul(centred, centred), axes, keepDims: true), 1.0 / count);
        var invStdDev = e.Div(g.Scalar(1, x), e.Sqrt(e.Add(variance, g.Scalar(g.Float("epsilon", 1e-5f), x))));
        return (e.Mul(centred, invStdDev), invStdDev);
    }

    /// <summary>The input gradient of a standardisation: ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) over <paramref name="axes"/>, ĝ = <paramref name="scaled"/> (dy times the scale).</summary>
    private static TensorRef StandardizedGrad(GraphEmitter e, TensorRef scaled, TensorRef xHat, TensorRef invStdDev, long[] axes, long count)
    {
        var meanScaled = e.Mul(e.ReduceSum(scaled, axes, keepDims: true), 1.0 / count);
        var meanScaledXHat = e.Mul(e.ReduceSum(e.Mul(scaled, xHat), axes, keepDims: true), 1.0 / count);
        return e.Mul(e.Sub(e.Sub(scaled, meanScaled), e.Mul(xHat, meanScaledXHat)), invStdDev);
    }

    public static string? LayerNormalizationCheck(NodeView node)
    {
        var shape = node.Input(0).KnownShape;
        var axis = shape.Axis(node.Int("axis", -1));
        return RuleChecks.OnlyInputs(node, 0)
            ?? (Enumerable.Range(axis, shape.Rank - axis).Any(shape.IsDynamic) ? $"the normalised axes of input shape {shape} must have fixed sizes" : null);
    }

    private static TensorRef AsTypeOf(GradientContext g, TensorRef value, TensorRef like) =>
        value.ElementType == like.ElementType ? value : g.E.Cast(value, like.ElementType);
}
