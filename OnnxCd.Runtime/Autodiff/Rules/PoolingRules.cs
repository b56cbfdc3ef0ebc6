using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>Windowed pooling: MaxPool routes dy to each window's argmax, AveragePool spreads it over each window.</summary>
internal static class PoolingRules
{
    /// <summary>
    /// y = max over each window.  The forward node also outputs Indices (flat positions in x, batch
    /// and channel offsets included); dx = scatter-add of dy at those positions into zeros.
    /// Overlapping windows that share a maximum add up, as in PyTorch. For the CPU provider, windows
    /// that do not overlap (each position has at most one window) take MaxUnpool(dy, Indices), the
    /// same scatter without reduction, which ONNX Runtime runs only on the CPU but several times faster.
    /// The Indices are row-major (<see cref="OwnIndices"/>); after a Relu, <see cref="Rewrites.ReluMaskAtPooledSize"/>
    /// moves the Relu's mask to the pooled size once the backward graph is built.
    /// </summary>
    public static void MaxPool(GradientContext g)
    {
        var x = g.Input(0);
        var y = g.Output(0);
        var e = g.E;
        var window = WindowGeometry.Read(g, ConvolutionRules.Spatial(x), g.Ints("kernel_shape")!);
        var indices = g.Target == ProviderTarget.Cuda && window.Rank > 1
            ? RowMajorIndicesOnCuda(g, x, y, window)
            : OwnIndices(g, x, y);
        var dy = g.Dy;
        var dx = g.Target == ProviderTarget.Cpu && UnpoolPads(g, window, x, y) is { } unpoolPads
            ? e.Op("MaxUnpool", [dy, indices, e.ShapeOf(x)], x.ElementType, x.KnownShape, Attributes.Ints("kernel_shape", window.Kernel), Attributes.Ints("strides", window.Strides), Attributes.Ints("pads", unpoolPads))
            : ScatterToArgmax(g, dy, indices, x, window.Overlaps);
        g.SetInputGrad(0, dx);
    }

    /// <summary>
    /// The node's own Indices, row-major. Where the model does not read them, the node is made to give
    /// them so (storage_order = 0: only the Indices depend on it, the pooled values do not); Indices the
    /// model reads keep their order, the model's meaning, and column-major ones are converted.
    /// </summary>
    private static TensorRef OwnIndices(GradientContext g, TensorRef x, TensorRef y)
    {
        if (!g.HasOutput(1) && Attributes.Find(g.Node, "storage_order") is { } storageOrder)
        {
            storageOrder.I = 0;
        }

        var indices = g.ForwardOutput(1, DataType.Int64, y.KnownShape);
        return g.Int("storage_order", 0) != 0 ? RowMajor(g.E, indices, ConvolutionRules.Spatial(x)) : indices;
    }

    /// <summary>dx = zeros of x's shape with dy added at the flat positions in <paramref name="indices"/>.</summary>
    private static TensorRef ScatterToArgmax(GradientContext g, TensorRef dy, TensorRef indices, TensorRef x, bool overlaps)
    {
        var e = g.E;
        var flat = new TensorShape([TensorShape.Dynamic]);
        var flatIndices = e.ReshapeTo(indices, flat);
        var flatDy = e.ReshapeTo(dy, flat);
        var size = x.KnownShape.IsStatic ? e.Ints(x.KnownShape.ElementCount) : e.Reshape(e.Size(x), e.Ints(1), new TensorShape([1]));
        var zeros = e.Expand(g.Scalar(0, x), size, flat);
        var scattered = e.ScatterElements(zeros, flatIndices, flatDy, 0, overlaps ? "add" : null);
        return e.ReshapeTo(scattered, x.KnownShape, like: x);
    }

    /// <summary>
    /// Indices of each window's first maximum in row-major order, computed on CUDA (see
    /// <see cref="ProviderTarget.Cuda"/>): x' = x with its spatial axes reversed, pooled with the
    /// window reversed too; its flat positions are x's in column-major order (x's first spatial axis is
    /// the fastest in x'), made row-major by <see cref="RowMajor"/>.
    /// </summary>
    private static TensorRef RowMajorIndicesOnCuda(GradientContext g, TensorRef x, TensorRef y, WindowGeometry window)
    {
        var e = g.E;
        var spatial = ConvolutionRules.Spatial(x);
        long[] reverse = [0, 1, .. Enumerable.Range(2, window.Rank).Reverse().Select(a => (long)a)];
        var reversedY = new TensorShape(reverse.Select(a => y.KnownShape[(int)a]));
        var attributes = new List<Onnx.AttributeProto>
        {
            Attributes.Ints("kernel_shape", window.Kernel.Reverse().ToArray()),
            Attributes.Ints("strides", window.Strides.Reverse().ToArray()),
            Attributes.Ints("dilations", window.Dilations.Reverse().ToArray()),
            Attributes.Ints("pads", [.. window.PadsBegin.Reverse(), .. window.PadsEnd.Reverse()]),
        };
        if (Attributes.Find(g.Node, "ceil_mode") is { } ceilMode)
        {
            attributes.Add(ceilMode.Clone());
        }

        var pooled = e.OpMulti("MaxPool", [e.Transpose(x, reverse)], [(x.ElementType, reversedY), (DataType.Int64, reversedY)], [.. attributes]);
        return RowMajor(e, e.Transpose(pooled[1], reverse), spatial);
    }

    /// <summary>
    /// Column-major flat positions (the first spatial axis fastest, as MaxPool's storage_order = 1 gives
    /// them) made row-major: r' decodes as c₀ = r' mod S₀, c₁ = (r' div S₀) mod S₁, … within the (n, c)
    /// plane and encodes as ((c₀·S₁ + c₁)·S₂ + c₂)…, plus the plane's offset.
    /// </summary>
    private static TensorRef RowMajor(GraphEmitter e, TensorRef flat, long[] spatial)
    {
        var plane = e.Scalar(spatial.Aggregate(1L, (a, b) => a * b), DataType.Int64);
        var rest = Remainder(e, flat, plane, out var planeOffset);
        TensorRef? position = null;
        foreach (var size in spatial)
        {
            var radix = e.Scalar(size, DataType.Int64);
            var coordinate = Remainder(e, rest, radix, out var quotient);
            rest = quotient;
            position = position is null ? coordinate : e.Add(e.Mul(position, radix), coordinate);
        }

        return e.Add(e.Mul(planeOffset, plane), position!);
    }

    /// <summary>a mod b for non-negative int64 a, with the quotient a div b (Div, Mul and Sub, which every provider runs for int64).</summary>
    private static TensorRef Remainder(GraphEmitter e, TensorRef a, TensorRef b, out TensorRef quotient)
    {
        quotient = e.Div(a, b);
        return e.Sub(a, e.Mul(quotient, b));
    }

    public static string? MaxPoolCheck(NodeView node)
    {
        if (RuleChecks.StaticBeyondBatch(node, 0) is { } reason)
        {
            return reason;
        }

        return null;
    }

    /// <summary>
    /// The pads for a MaxUnpool that writes into x's shape, or null where MaxUnpool cannot stand in for
    /// the scatter: windows overlap or the type is not float32 (its only CPU kernel). MaxUnpool only checks that x is at least its inferred size (n_out − 1)·s + k − pads
    /// per axis; the pads shrink that size where partial or padded windows make it larger than x,
    /// each below the kernel size as ONNX Runtime's pooling attributes demand.
    /// </summary>
    private static long[]? UnpoolPads(GradientContext g, WindowGeometry window, TensorRef x, TensorRef y)
    {
        if (window.Overlaps || x.ElementType != DataType.Float)
        {
            return null;
        }

        var pads = new long[2 * window.Rank];
        for (var i = 0; i < window.Rank; i++)
        {
            var excess = ((y.KnownShape[i + 2] - 1) * window.Strides[i]) + window.Kernel[i] - x.KnownShape[i + 2];
            pads[i] = Math.Clamp(excess, 0, window.Kernel[i] - 1);
            pads[i + window.Rank] = Math.Max(0, excess - pads[i]);
            if (pads[i + window.Rank] >= window.Kernel[i])
            {
                return null;
            }
        }

        return pads;
    }

    /// <summary>
    /// y = mean over each window, divided by the count of taps inside the input (count_include_pad = 0)
    /// or inside the padded input (= 1).  dx = conv_transpose(dy / count, ones) with the window's geometry.
    /// </summary>
    public static void AveragePool(GradientContext g)
    {
        var x = g.Input(0);
        var shape = x.KnownShape;
        var spatial = ConvolutionRules.Spatial(x);
        var outSpatial = g.Output(0).KnownShape.Dims.Skip(2).ToArray();
        var window = WindowGeometry.Read(g, spatial, g.Ints("kernel_shape")!);
        var counts = TapCounts(window, spatial, outSpatial, g.Int("count_include_pad", 0) != 0);
        var share = g.E.Div(g.Dy, g.E.Constant(counts, outSpatial, x.ElementType));
        var channels = shape[1];
        var ones = g.E.Constant(Enumerable.Repeat(1.0, (int)(channels * window.Kernel.Aggregate(1L, (a, b) => a * b))).ToArray(), [channels, 1, .. window.Kernel], x.ElementType);
        g.SetInputGrad(0, TransposedConvolution.ToInput(g, share, ones, window, channels, x));
    }

    public static string? AveragePoolCheck(NodeView node) => RuleChecks.StaticBeyondBatch(node, 0);

    /// <summary>How many input taps each output position averages, per ONNX (and PyTorch) rules.</summary>
    private static double[] TapCounts(WindowGeometry window, long[] spatial, long[] outSpatial, bool includePad)
    {
        var perAxis = Enumerable.Range(0, window.Rank).Select(i =>
        {
            var low = includePad ? -window.PadsBegin[i] : 0;
            var high = includePad ? spatial[i] + window.PadsEnd[i] : spatial[i];
            return Enumerable.Range(0, (int)outSpatial[i]).Select(o =>
            {
                var start = (o * window.Strides[i]) - window.PadsBegin[i];
                return (double)Enumerable.Range(0, (int)window.Kernel[i]).Count(t => start + (t * window.Dilations[i]) is var p && p >= low && p < high);
            }).ToArray();
        }).ToArray();

        var total = outSpatial.Aggregate(1L, (a, b) => a * b);
        var counts = new double[total];
        for (var flat = 0L; flat < total; flat++)
        {
            var product = 1.0;
            var rest = flat;
            for (var i = window.Rank - 1; i >= 0; i--)
            {
                product *= perAxis[i][rest % outSpatial[i]];
                rest /= outSpatial[i];
            }

            counts[flat] = product;
        }

        return counts;
    }
}
