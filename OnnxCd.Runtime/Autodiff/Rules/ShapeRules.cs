using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>Ops that move, select or copy elements without arithmetic: their gradients route dy back.</summary>
internal static class ShapeRules
{
    /// <summary>Reshape, Flatten, Squeeze, Unsqueeze: y has x's elements in a new shape.  dx = reshape(dy, shape(x)).</summary>
    public static void Reshape(GradientContext g)
    {
        var x = g.Input(0);
        g.SetInputGrad(0, g.E.ReshapeTo(g.Dy, x.KnownShape, like: x));
    }

    /// <summary>y = transpose(x, perm).  dx = transpose(dy, perm⁻¹).</summary>
    public static void Transpose(GradientContext g)
    {
        var rank = g.Input(0).Rank;
        var perm = g.Ints("perm") ?? Enumerable.Range(0, rank).Reverse().Select(a => (long)a).ToArray();
        g.SetInputGrad(0, g.E.Transpose(g.Dy, Inverse(perm)));
    }

    /// <summary>perm⁻¹: inverse[perm[i]] = i.</summary>
    private static long[] Inverse(long[] perm)
    {
        var inverse = new long[perm.Length];
        for (var i = 0; i < perm.Length; i++)
        {
            inverse[perm[i]] = i;
        }

        return inverse;
    }

    /// <summary>y = SpaceToDepth(x, b): each b×b block becomes b² channels, block offset first.  dx = DepthToSpace(dy, b, DCR), its inverse.</summary>
    public static void SpaceToDepth(GradientContext g)
    {
        var x = g.Input(0);
        g.SetInputGrad(0, g.E.Op("DepthToSpace", [g.Dy], x.ElementType, x.Shape, Attributes.Int("blocksize", g.Int("blocksize", 0)), Attributes.String("mode", "DCR")));
    }

    /// <summary>
    /// y = DepthToSpace(x, b, mode).  DCR (block offset first): dx = SpaceToDepth(dy, b).  CRD (channel first):
    /// dx = reshape(transpose(reshape(dy, [N, C/b², H, b, W, b]), [0, 1, 3, 5, 2, 4]), [N, C, H, W]).
    /// </summary>
    public static void DepthToSpace(GradientContext g)
    {
        var x = g.Input(0);
        var block = g.Int("blocksize", 0);
        if (g.String("mode", "DCR") == "DCR")
        {
            g.SetInputGrad(0, g.E.Op("SpaceToDepth", [g.Dy], x.ElementType, x.Shape, Attributes.Int("blocksize", block)));
            return;
        }

        var shape = x.KnownShape;
        var split = g.E.ReshapeTo(g.Dy, new TensorShape([shape[0], shape[1] / (block * block), shape[2], block, shape[3], block]));
        g.SetInputGrad(0, g.E.ReshapeTo(g.E.Transpose(split, [0, 1, 3, 5, 2, 4]), shape, like: x));
    }

    /// <summary>
    /// Resize (nearest, linear) is linear in x and separable: y = (A_d along each resized axis d)·x, A_d the
    /// interpolation matrix [out, in] (<see cref="ResizeGeometry"/>).  dx = dy contracted with A_d along each
    /// resized axis (a MatMul by A_d with the axis moved last).
    /// </summary>
    public static void Resize(GradientContext g)
    {
        var x = g.Input(0);
        var inShape = x.KnownShape;
        var outShape = g.Output(0).KnownShape;
        var scales = g.HasInput(2) ? g.ConstantDoubles(2) : null;
        var mode = g.String("mode", "nearest");
        var coordinates = g.String("coordinate_transformation_mode", "half_pixel");
        var nearestMode = g.String("nearest_mode", "round_prefer_floor");
        var dx = g.Dy;
        var last = inShape.Rank - 1;
        for (var d = last; d >= 0; d--)
        {
            long inSize = inShape[d], outSize = outShape[d];
            var index = ScaleIndex(g, d, inShape.Rank);
            var scale = scales is { Length: > 0 } && index >= 0 ? (float)scales[index] : (float)outSize / inSize;
            if (inSize == outSize && scale == 1f)
            {
                continue;
            }

            var matrix = g.E.Constant(ResizeGeometry.Matrix(mode, coordinates, nearestMode, scale, inSize, outSize), [outSize, inSize], x.ElementType);
            var perm = Enumerable.Range(0, last + 1).Where(a => a != d).Append(d).Select(a => (long)a).ToArray();
            var moved = d == last ? dx : g.E.Transpose(dx, perm);
            var contracted = g.E.MatMul(moved, matrix, new TensorShape([.. moved.KnownShape.Dims.Take(last), inSize]));
            dx = d == last ? contracted : g.E.Transpose(contracted, Inverse(perm));
        }

        g.SetInputGrad(0, dx);
    }

    /// <summary>Refuses the Resize forms the rule does not differentiate, naming what would be valid.</summary>
    public static string? ResizeCheck(NodeView node)
    {
        var mode = node.String("mode", "nearest");
        var coordinates = node.String("coordinate_transformation_mode", "half_pixel");
        if (!ResizeGeometry.Modes.Contains(mode))
        {
            return $"Resize mode '{mode}' has no gradient rule; nearest and linear have one";
        }

        if (!ResizeGeometry.Coordinates.Contains(coordinates))
        {
            return $"Resize coordinate_transformation_mode '{coordinates}' has no gradient rule; {string.Join(", ", ResizeGeometry.Coordinates)} have one";
        }

        if (node.Int("antialias", 0) != 0 && mode == "linear")
        {
            return "Resize with antialias = 1 has no gradient rule; export with antialias off";
        }

        if (node.Opset >= 18 && node.String("keep_aspect_ratio_policy", "stretch") != "stretch")
        {
            return "Resize with keep_aspect_ratio_policy other than stretch has no gradient rule";
        }

        return RuleChecks.ConstantInput(node, 2, "Resize scales") ?? RuleChecks.OnlyInputs(node, 0);
    }

    // Scales list every axis, or (opset 18 axes) only the named ones; −1 for an axis not named.
    private static int ScaleIndex(NodeView node, int axis, int rank) =>
        node.Ints("axes") is { } axes ? Array.IndexOf(axes.Select(a => a < 0 ? a + rank : a).ToArray(), axis) : axis;

    /// <summary>y = concat(x₀, x₁, …) along axis.  dxᵢ = dy[…, offsetᵢ : offsetᵢ + dᵢ, …].</summary>
    public static void Concat(GradientContext g)
    {
        var axis = g.Output(0).KnownShape.Axis(g.Int("axis", 0));
        long offset = 0;
        for (var i = 0; i < g.InputCount; i++)
        {
            var x = g.Input(i);
            var size = x.KnownShape[axis];
            if (g.NeedsInputGrad(i))
            {
                g.SetInputGrad(i, g.E.Slice(g.Dy, [offset], [offset + size], [axis], null, x.Shape));
            }

            offset += size;
        }
    }

    public static string? ConcatCheck(NodeView node)
    {
        var axis = node.Output(0).KnownShape.Axis(node.Int("axis", 0));
        return Enumerable.Range(0, node.InputCount).Any(i => node.HasInput(i) && node.Input(i).KnownShape.IsDynamic(axis))
            ? $"Concat along axis {axis}, whose size is dynamic (the batch axis), is not supported"
            : null;
    }

    /// <summary>(y₀, y₁, …) = split(x) along axis.  dx = concat(dy₀, dy₁, …), zeros for outputs without a gradient.</summary>
    public static void Split(GradientContext g)
    {
        var x = g.Input(0);
        var axis = x.KnownShape.Axis(g.Int("axis", 0));
        var parts = Enumerable.Range(0, g.Node.Output.Count)
            .Select(i => g.OutputGrad(i) ?? g.ZerosLike(g.Output(i)))
            .ToList();
        g.SetInputGrad(0, g.E.Concat(parts, axis, x.Shape));
    }

    public static string? SplitCheck(NodeView node)
    {
        var axis = node.Input(0).KnownShape.Axis(node.Int("axis", 0));
        return node.Input(0).KnownShape.IsDynamic(axis) ? $"Split along axis {axis}, whose size is dynamic, is not supported" : null;
    }

    /// <summary>y = x[starts:ends:steps] on some axes.  dx = dy placed back at the sliced positions, zeros elsewhere.</summary>
    public static void Slice(GradientContext g)
    {
        var x = g.Input(0);
        var shape = x.KnownShape;
        var axes = SliceGeometry.Read(g, shape);
        var t = g.Dy;
        var pads = new long[2 * shape.Rank];
        foreach (var a in axes)
        {
            if (a.Count == 0)
            {
                g.SetInputGrad(0, g.ZerosLike(x));
                return;
            }

            if (a.Step != 1)
            {
                t = Restride(g, t, a);
            }

            pads[a.Axis] = a.Lowest;
            pads[a.Axis + shape.Rank] = shape[a.Axis] - a.Lowest - a.Extent;
        }

        g.SetInputGrad(0, pads.Any(p => p != 0) ? g.E.Pad(t, pads, shape) : t);
    }

    public static string? SliceCheck(NodeView node)
    {
        for (var i = 1; i < node.InputCount; i++)
        {
            if (RuleChecks.ConstantInput(node, i, "Slice bounds") is { } reason)
            {
                return reason;
            }
        }

        var shape = node.Input(0).KnownShape;
        return SliceGeometry.Read(node, shape).FirstOrDefault(a => shape.IsDynamic(a.Axis) && !a.IsWholeAxis) is { } bad
            ? $"Slice cuts axis {bad.Axis}, whose size is dynamic (the batch axis); only whole-axis slices are supported there"
            : null;
    }

    /// <summary>
    /// Spreads the elements of a strided slice's gradient along one axis so that they sit |step|
    /// apart, ascending: reverse for a negative step, then interleave zeros (unsqueeze, pad, merge).
    /// </summary>
    private static TensorRef Restride(GradientContext g, TensorRef t, SliceGeometry.AxisSlice a)
    {
        var e = g.E;
        var shape = t.KnownShape;
        if (a.Step < 0)
        {
            t = e.Slice(t, [-1], [long.MinValue], [a.Axis], [-1], shape);
        }

        var stride = Math.Abs(a.Step);
        var withStrideAxis = new TensorShape(shape.Dims.Take(a.Axis + 1).Append(1).Concat(shape.Dims.Skip(a.Axis + 1)));
        var unsqueezed = e.Unsqueeze(t, [a.Axis + 1], withStrideAxis);
        var padShape = new TensorShape(withStrideAxis.Dims.Select((d, i) => i == a.Axis + 1 ? stride : d));
        var pads = new long[2 * padShape.Rank];
        pads[padShape.Rank + a.Axis + 1] = stride - 1;
        var padded = e.Pad(unsqueezed, pads, padShape);
        var merged = new TensorShape(shape.Dims.Select((d, i) => i == a.Axis ? a.Count * stride : d));
        var spread = e.ReshapeTo(padded, merged);
        var trimmed = new TensorShape(shape.Dims.Select((d, i) => i == a.Axis ? a.Extent : d));
        return e.Slice(spread, [0], [a.Extent], [a.Axis], null, trimmed);
    }

    /// <summary>y = pad(x, pads) in constant mode.  dx = dy with the padding cut off (and zeros where pads were negative).</summary>
    public static void Pad(GradientContext g)
    {
        var x = g.Input(0);
        var shape = x.KnownShape;
        var pads = PadAmounts(g, shape.Rank);
        var rank = shape.Rank;
        var axes = Enumerable.Range(0, rank).Where(a => pads[a] != 0 || pads[a + rank] != 0).ToArray();
        var starts = axes.Select(a => Math.Max(pads[a], 0)).ToArray();
        var ends = axes.Select(a => Math.Max(pads[a], 0) + shape[a] - Math.Max(-pads[a], 0) - Math.Max(-pads[a + rank], 0)).ToArray();
        var sliceShape = new TensorShape(shape.Dims.Select((d, a) => d - Math.Max(-pads[a], 0) - Math.Max(-pads[a + rank], 0)));
        var t = axes.Length == 0 ? g.Dy : g.E.Slice(g.Dy, starts, ends, axes.Select(a => (long)a).ToArray(), null, sliceShape);
        var crop = Enumerable.Range(0, 2 * rank).Select(i => Math.Max(-pads[i], 0)).ToArray();
        g.SetInputGrad(0, crop.Any(c => c != 0) ? g.E.Pad(t, crop, shape) : t);
    }

    public static string? PadCheck(NodeView node)
    {
        var mode = node.String("mode", "constant");
        if (mode != "constant")
        {
            return $"Pad mode '{mode}' has no gradient rule; only mode 'constant' is supported";
        }

        if ((RuleChecks.ConstantInput(node, 1, "Pad amounts") ?? RuleChecks.ConstantInput(node, 3, "Pad axes")) is { } reason)
        {
            return reason;
        }

        var shape = node.Input(0).KnownShape;
        var pads = PadAmounts(node, shape.Rank);
        return Enumerable.Range(0, shape.Rank).FirstOrDefault(a => shape.IsDynamic(a) && (pads[a] != 0 || pads[a + shape.Rank] != 0), -1) is var bad and >= 0
            ? $"Pad changes axis {bad}, whose size is dynamic (the batch axis)"
            : RuleChecks.OnlyInputs(node, 0);
    }

    /// <summary>The pads as [begin₀…, end₀…] over every axis (opset 18 may list only some axes).</summary>
    private static long[] PadAmounts(NodeView node, int rank)
    {
        var given = node.ConstantInts(1)!;
        var axes = node.Opset >= 18 && node.ConstantInts(3) is { } a ? a.Select(x => x < 0 ? x + rank : x).ToArray() : Enumerable.Range(0, rank).Select(x => (long)x).ToArray();
        var pads = new long[2 * rank];
        for (var i = 0; i < axes.Length; i++)
        {
            pads[axes[i]] = given[i];
            pads[axes[i] + rank] = given[i + axes.Length];
        }

        return pads;
    }

    /// <summary>
    /// y = gather(x, indices, axis).  dx = scatter-add of dy into zeros at the gathered positions
    /// (ScatterElements with reduction "add"; without reduction before opset 16, where the indices must be distinct constants).
    /// </summary>
    public static void Gather(GradientContext g)
    {
        var x = g.Input(0);
        var shape = x.KnownShape;
        var axis = shape.Axis(g.Int("axis", 0));
        var indices = g.Input(1);
        var count = indices.KnownShape.ElementCount;
        var e = g.E;
        var flatShape = new TensorShape(shape.Dims.Select((d, i) => i == axis ? count : d));
        var updates = e.ReshapeTo(g.Dy, flatShape);
        var indexShape = new TensorShape(shape.Dims.Select((_, i) => i == axis ? count : 1L));
        var index = e.Expand(e.ReshapeTo(indices, indexShape), e.ShapeOf(updates), flatShape);
        g.SetInputGrad(0, e.ScatterElements(g.ZerosLike(x), index, updates, axis, "add"));
    }

    public static string? GatherCheck(NodeView node)
    {
        var shape = node.Input(0).KnownShape;
        var axis = shape.Axis(node.Int("axis", 0));
        if (shape.IsDynamic(axis) || !node.Input(1).KnownShape.IsStatic)
        {
            return $"Gather along axis {axis} of {shape} with indices of shape {node.Input(1).KnownShape}: the gathered axis and the indices must have fixed sizes";
        }

        if (shape.DynamicCount > 1)
        {
            return $"Gather on {shape}: at most one dynamic dimension is supported";
        }

        return null;
    }

    /// <summary>y = tile(x, repeats).  dx = Σ over the copies: reshape dy to [r₀,d₀,r₁,d₁,…] and sum the r axes.</summary>
    public static void Tile(GradientContext g)
    {
        var x = g.Input(0);
        var shape = x.KnownShape;
        var repeats = g.ConstantInts(1)!;
        if (repeats.All(r => r == 1))
        {
            g.SetInputGrad(0, g.Dy);
            return;
        }

        var blocks = new TensorShape(shape.Dims.SelectMany((d, i) => new[] { repeats[i], d }));
        var split = g.E.ReshapeTo(g.Dy, blocks);
        var copyAxes = Enumerable.Range(0, shape.Rank).Select(i => 2L * i).Where(a => repeats[a / 2] != 1).ToArray();
        var summed = g.E.ReduceSum(split, copyAxes, keepDims: false);
        g.SetInputGrad(0, g.E.ReshapeTo(summed, shape));
    }

    public static string? TileCheck(NodeView node)
    {
        if (RuleChecks.ConstantInput(node, 1, "Tile repeats") is { } reason)
        {
            return reason;
        }

        var shape = node.Input(0).KnownShape;
        var repeats = node.ConstantInts(1)!;
        return Enumerable.Range(0, shape.Rank).Any(i => shape.IsDynamic(i) && repeats[i] != 1) || shape.DynamicCount > 1
            ? $"Tile of {shape} repeats {TensorShape.Format(repeats)}: a dynamic axis can only be repeated once, and only one axis may be dynamic"
            : null;
    }
}
