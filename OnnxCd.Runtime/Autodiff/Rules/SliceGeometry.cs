using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>Normalises a Slice node's starts, ends, axes and steps to the positions it reads, per the ONNX rules.</summary>
internal static class SliceGeometry
{
    /// <summary>What a Slice reads along one axis.</summary>
    /// <param name="Axis">The axis.</param>
    /// <param name="Step">The step (negative steps read backwards).</param>
    /// <param name="Count">How many elements are read.</param>
    /// <param name="Lowest">The lowest index read.</param>
    /// <param name="IsWholeAxis">Whether the slice reads the whole axis in order, whatever its size.</param>
    public sealed record AxisSlice(int Axis, long Step, long Count, long Lowest, bool IsWholeAxis)
    {
        /// <summary>From the lowest to the highest index read, inclusive.</summary>
        public long Extent => (Count - 1) * Math.Abs(Step) + 1;
    }

    public static IReadOnlyList<AxisSlice> Read(NodeView node, TensorShape shape)
    {
        var starts = node.ConstantInts(1)!;
        var ends = node.ConstantInts(2)!;
        var axes = node.ConstantInts(3);
        var steps = node.ConstantInts(4);
        var result = new List<AxisSlice>();
        for (var i = 0; i < starts.Length; i++)
        {
            var axis = shape.Axis(axes?[i] ?? i);
            var step = steps?[i] ?? 1;
            var whole = step == 1 && starts[i] == 0 && ends[i] >= int.MaxValue;
            if (shape.IsDynamic(axis))
            {
                result.Add(new AxisSlice(axis, step, 0, 0, whole));
                continue;
            }

            var dim = shape[axis];
            var start = Clamp(starts[i] < 0 ? starts[i] + dim : starts[i], 0, step > 0 ? dim : dim - 1);
            var end = Clamp(ends[i] < 0 ? ends[i] + dim : ends[i], step > 0 ? 0 : -1, step > 0 ? dim : dim - 1);
            var count = step > 0 ? CeilDiv(end - start, step) : CeilDiv(start - end, -step);
            count = Math.Max(0, count);
            var lowest = step > 0 ? start : start + ((count - 1) * step);
            result.Add(new AxisSlice(axis, step, count, lowest, whole || (step == 1 && start == 0 && end == dim)));
        }

        return result.Where(a => !(a.IsWholeAxis && a.Step == 1)).ToList();
    }

    private static long Clamp(long value, long low, long high) => Math.Min(Math.Max(value, low), high);

    private static long CeilDiv(long a, long b) => a <= 0 ? 0 : ((a + b - 1) / b);
}
