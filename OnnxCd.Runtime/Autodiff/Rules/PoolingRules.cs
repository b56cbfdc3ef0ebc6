using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>Windowed pooling: MaxPool routes dy to each window's argmax, AveragePool spreads it over each window.</summary>
internal static class PoolingRules
{
    /// <summary>
    /// y = max over each window.  The forward node also outputs Indices (flat positions in x, batch
    /// and channel offsets included); dx = scatter-add of dy at those positions into zeros.
    /// Overlapping windows that share a maximum add up, as in PyTorch.
    /// </summary>
    public static void MaxPool(GradientContext g)
    {
        var x = g.Input(0);
        var y = g.Output(0);
        var storageOrder = Attributes.Find(g.Node, "storage_order");
        if (storageOrder is not null)
        {
            storageOrder.I = 0;
        }

        var e = g.E;
        var indices = g.ForwardOutput(1, DataType.Int64, y.KnownShape);
        var flat = new TensorShape([TensorShape.Dynamic]);
        var flatIndices = e.ReshapeTo(indices, flat);
        var flatDy = e.ReshapeTo(g.Dy, flat);
        var size = x.KnownShape.IsStatic ? e.Ints(x.KnownShape.ElementCount) : e.Reshape(e.Size(x), e.Ints(1), new TensorShape([1]));
        var zeros = e.Expand(g.Scalar(0, x), size, flat);
        var window = WindowGeometry.Read(g, ConvolutionRules.Spatial(x), g.Ints("kernel_shape")!);
        var reduction = window.Overlaps ? "add" : null;
        var scattered = e.ScatterElements(zeros, flatIndices, flatDy, 0, reduction);
        g.SetInputGrad(0, e.ReshapeTo(scattered, x.KnownShape, like: x));
    }

    public static string? MaxPoolCheck(NodeView node)
    {
        if (RuleChecks.StaticBeyondBatch(node, 0) is { } reason)
        {
            return reason;
        }

        if (node.HasOutput(1) && node.Int("storage_order", 0) != 0)
        {
            return "MaxPool already outputs column-major Indices (storage_order = 1); OnnxCd needs row-major indices";
        }

        var window = WindowGeometry.Read(node, ConvolutionRules.Spatial(node.Input(0)), node.Ints("kernel_shape")!);
        return node.EmitOpset < 16 && window.Overlaps
            ? "overlapping MaxPool windows need ScatterElements with reduction 'add' (opset 16 or newer); re-export the model at opset 17"
            : null;
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
