namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>
/// The sliding-window attributes of Conv and pooling nodes, resolved per spatial axis: kernel,
/// strides, dilations and explicit begin/end pads (auto_pad turned into numbers).
/// </summary>
internal sealed record WindowGeometry(long[] Kernel, long[] Strides, long[] Dilations, long[] PadsBegin, long[] PadsEnd)
{
    public int Rank => Kernel.Length;

    /// <summary>The span a window covers along axis i: (k − 1)·d + 1.</summary>
    public long Span(int i) => ((Kernel[i] - 1) * Dilations[i]) + 1;

    /// <summary>Whether two neighbouring windows share an input position along some axis.</summary>
    public bool Overlaps => Enumerable.Range(0, Rank).Any(i => Strides[i] < Span(i));

    /// <param name="node">The Conv, ConvTranspose or pooling node.</param>
    /// <param name="spatial">The input's spatial sizes (all fixed).</param>
    /// <param name="kernel">The kernel size (from the attribute, or from the weight for Conv).</param>
    public static WindowGeometry Read(NodeView node, long[] spatial, long[] kernel)
    {
        var rank = kernel.Length;
        var strides = node.Ints("strides") ?? Ones(rank);
        var dilations = node.Ints("dilations") ?? Ones(rank);
        var begin = new long[rank];
        var end = new long[rank];
        var autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (var i = 0; i < rank; i++)
            {
                var output = (spatial[i] + strides[i] - 1) / strides[i];
                var total = Math.Max(0, ((output - 1) * strides[i]) + ((kernel[i] - 1) * dilations[i]) + 1 - spatial[i]);
                var small = total / 2;
                (begin[i], end[i]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
            }
        }
        else if (autoPad != "VALID" && node.Ints("pads") is { } pads)
        {
            Array.Copy(pads, 0, begin, 0, rank);
            Array.Copy(pads, rank, end, 0, rank);
        }

        return new WindowGeometry(kernel, strides, dilations, begin, end);
    }

    /// <summary>
    /// A ConvTranspose's geometry with its pads resolved from the sizes it produced: total padding
    /// s·(in − 1) + output_padding + (k − 1)·d + 1 − out per axis, the form output_shape and auto_pad
    /// SAME_* leave implicit. It is split as ONNX's definition and ONNX Runtime split it: SAME_UPPER puts
    /// the odd one at the end, SAME_LOWER and output_shape alone at the beginning. A negative total (an output_shape past
    /// the natural size, whose extra positions only the bias reaches) is a negative end pad.
    /// </summary>
    public static WindowGeometry ReadTransposed(NodeView node, long[] inSpatial, long[] outSpatial, long[] kernel)
    {
        var window = Read(node, inSpatial, kernel);
        var autoPad = node.String("auto_pad", "NOTSET");
        if (node.Ints("output_shape") is null && autoPad is not ("SAME_UPPER" or "SAME_LOWER"))
        {
            return window;
        }

        var rank = kernel.Length;
        var outputPadding = node.Ints("output_padding") ?? new long[rank];
        var begin = new long[rank];
        var end = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var total = (window.Strides[i] * (inSpatial[i] - 1)) + outputPadding[i] + window.Span(i) - outSpatial[i];
            (begin[i], end[i]) = total < 0 ? (0, total) : autoPad == "SAME_UPPER" ? (total / 2, total - (total / 2)) : (total - (total / 2), total / 2);
        }

        return window with { PadsBegin = begin, PadsEnd = end };
    }

    private static long[] Ones(int rank) => Enumerable.Repeat(1L, rank).ToArray();
}
