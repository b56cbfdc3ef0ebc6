using Onnx;
using static OnnxCd.Runtime.Graph.Opsets.AttributeInputs;

namespace OnnxCd.Runtime.Graph.Opsets;

/// <summary>
/// Ops whose definition changed in a way a renamed attribute does not cover, each rewritten into the
/// target opset's ops so that it computes what its own opset defined.
/// </summary>
internal static class ChangedMeanings
{
    /// <summary>
    /// Softmax, LogSoftmax and Hardmax before opset 13 coerce the input to 2-D at axis a (default 1) and
    /// normalise over all axes from a on; from 13 they normalise over axis a alone. Where a is the last
    /// axis (the rank declared in the file) the two agree; elsewhere the old form is spelled out:
    /// y = reshape(op(flatten(x, a), axis −1), shape(x)).
    /// </summary>
    public static IEnumerable<NodeProto> Softmax(NodeProto node, LiftContext c)
    {
        var axis = Take(node, "axis")?.I ?? 1;
        var rank = c.RankOf(node.Input[0]) ?? c.RankOf(node.Output[0]);
        if (axis == -1 || (rank is { } r && (axis == r - 1 || r == 0)))
        {
            node.Attribute.Add(Attributes.Int("axis", -1));
            return [node];
        }

        var x = node.Input[0];
        var y = node.Output[0];
        var hint = node.Name.Length > 0 ? node.Name : y;
        var shape = c.NewName(y + "_shape");
        var flat = c.NewName(y + "_2d");
        var flatOut = c.NewName(y + "_2d_out");
        node.Input[0] = flat;
        node.Output[0] = flatOut;
        node.Attribute.Add(Attributes.Int("axis", -1));
        return
        [
            c.Node("Shape", [x], [shape], hint + "_shape"),
            c.Node("Flatten", [x], [flat], hint + "_flatten", Attributes.Int("axis", axis)),
            node,
            c.Node("Reshape", [flatOut, shape], [y], hint + "_reshape"),
        ];
    }

    /// <summary>
    /// Upsample (deprecated at 10) → Resize: output size floor(d·scale), source coordinate x_out / scale
    /// ("asymmetric"), nearest taking the floor ("floor"); 'linear' and the older 'bilinear' are Resize's
    /// linear mode. Upsample-9 holds the scales as an input, 7 as an attribute, the experimental
    /// Upsample-1 as height_scale and width_scale over NCHW.
    /// </summary>
    public static IEnumerable<NodeProto> Upsample(NodeProto node, LiftContext c)
    {
        double[]? values = Take(node, "scales") is { } attribute ? attribute.Floats.Select(f => (double)f).ToArray() : null;
        if (Take(node, "height_scale") is { } height)
        {
            values = [1, 1, height.F, Take(node, "width_scale")?.F ?? 1];
        }

        var scales = values is not null
            ? c.Constant(node.Output[0] + "_scales", Tensors.Vector(values, TensorProto.Types.DataType.Float))
            : node.Input.Count > 1 ? node.Input[1] : throw c.Refuse(node, "Upsample without scales (neither the attribute nor the input)");
        var mode = Take(node, "mode")?.S.ToStringUtf8() ?? "nearest";
        return [AsResize(node, c, node.Input[0], scales, mode, "floor")];
    }

    /// <summary>
    /// Resize-10 → Resize-13: the same scales with "asymmetric" coordinates; its nearest mode rounds up
    /// when an axis shrinks and down when it grows (ONNX Runtime's opset-10 kernel), so the scales must be
    /// constant and shrink or grow together for one nearest_mode to say it.
    /// </summary>
    public static IEnumerable<NodeProto> Resize10(NodeProto node, LiftContext c)
    {
        var mode = Take(node, "mode")?.S.ToStringUtf8() ?? "nearest";
        var rounding = "floor";
        if (mode == "nearest")
        {
            var scales = c.ConstantValue(node.Input[1]) is { } value
                ? Tensors.ReadDoubles(value)
                : throw c.Refuse(node, "opset-10 Resize in nearest mode with scales computed in the graph; OnnxCd needs constant scales to carry its rounding to opset 13 (re-export at opset 13 or newer)");
            if (scales.Any(s => s < 1) && scales.Any(s => s > 1))
            {
                throw c.Refuse(node, $"opset-10 Resize in nearest mode with scales [{string.Join(", ", scales)}] shrinking some axes and growing others rounds differently per axis, which no opset-13 Resize says; re-export at opset 13 or newer");
            }

            rounding = scales.Any(s => s < 1) ? "ceil" : "floor";
        }

        return [AsResize(node, c, node.Input[0], node.Input[1], mode, rounding)];
    }

    /// <summary>
    /// BatchNormalization: opsets before 9 have 'spatial' (1: statistics per channel, what later opsets
    /// compute; 0: per activation, which they cannot say); before 14, using the statistics outputs meant
    /// training mode, which 14 says with training_mode = 1 and three outputs.
    /// </summary>
    public static IEnumerable<NodeProto> BatchNormalization(NodeProto node, LiftContext c)
    {
        if (Take(node, "spatial") is { I: 0 })
        {
            throw c.Refuse(node, "BatchNormalization with spatial = 0 (statistics per activation) has no form after opset 8; OnnxCd lifts models to opset 17 and accepts spatial = 1 only");
        }

        Take(node, "is_test");
        Take(node, "consumed_inputs");
        if (node.Output.Skip(1).Any(o => o.Length > 0))
        {
            node.Attribute.Add(Attributes.Int("training_mode", 1));
            while (node.Output.Count > 3)
            {
                node.Output.RemoveAt(node.Output.Count - 1);
            }
        }

        return [node];
    }

    /// <summary>
    /// Element-wise ops before opset 7 broadcast only when broadcast = 1, B matching A's axes from axis
    /// on (by default its last axes, which is what numpy-style broadcasting does). From opset 7 the
    /// shapes broadcast numpy-style, so B with A's axes from an explicit axis gets trailing 1-axes
    /// (Unsqueeze) to line up on the right; that needs both ranks, read where the file declares them.
    /// Gemm's broadcast flag is dropped (its C broadcasts from opset 7).
    /// </summary>
    public static IEnumerable<NodeProto> LegacyBroadcast(NodeProto node, LiftContext c)
    {
        var broadcast = Take(node, "broadcast")?.I ?? 0;
        var axis = Take(node, "axis");
        if (broadcast == 0 || axis is null || node.OpType == "Gemm")
        {
            return [node];
        }

        var rankA = c.RankOf(node.Input[0]) ?? c.RankOf(node.Output[0]);
        var rankB = c.RankOf(node.Input[1]);
        if (rankA is not { } a || rankB is not { } b)
        {
            throw c.Refuse(node, $"{node.OpType} broadcasts its second input from axis {axis.I} (the opset-{c.Opset} form), which needs both inputs' ranks; the file declares none for '{node.Input[rankA is null ? 0 : 1]}'. Re-export at opset 17, or add value_info for the inputs");
        }

        var first = (axis.I < 0 ? axis.I + a : axis.I) + b;
        if (first >= a)
        {
            return [node];
        }

        var lined = c.NewName(node.Input[1] + "_lined_up");
        var unsqueeze = c.Node("Unsqueeze", [node.Input[1], c.Ints(lined + "_axes", Enumerable.Range(b, (int)(a - first)).Select(i => (long)i))], [lined], lined);
        node.Input[1] = lined;
        return [unsqueeze, node];
    }

    /// <summary>Cast-1 names its target type ('FLOAT'); from opset 6 it is the type's number.</summary>
    public static IEnumerable<NodeProto> Cast(NodeProto node, LiftContext c)
    {
        if (Attributes.Find(node, "to") is { Type: AttributeProto.Types.AttributeType.String } to)
        {
            var name = to.S.ToStringUtf8();
            if (!Enum.TryParse<TensorProto.Types.DataType>(name.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var type))
            {
                throw c.Refuse(node, $"Cast to '{name}', which is no ONNX type name (FLOAT, DOUBLE, INT64, …)");
            }

            node.Attribute.Remove(to);
            node.Attribute.Add(Attributes.Int("to", (long)type));
        }

        return [node];
    }

    /// <summary>Concat-1's axis defaulted to 1; from opset 4 it is required, so the default is written out.</summary>
    public static IEnumerable<NodeProto> Concat(NodeProto node, LiftContext c)
    {
        if (Attributes.Find(node, "axis") is null)
        {
            node.Attribute.Add(Attributes.Int("axis", 1));
        }

        return [node];
    }

    /// <summary>RoiAlign before opset 16 sampled at pixel corners; 16 made half_pixel the default, so the old default is written out.</summary>
    public static IEnumerable<NodeProto> RoiAlign(NodeProto node, LiftContext c)
    {
        if (Attributes.Find(node, "coordinate_transformation_mode") is null)
        {
            node.Attribute.Add(Attributes.String("coordinate_transformation_mode", "output_half_pixel"));
        }

        return [node];
    }

    /// <summary>Scatter (opsets 9–10) is ScatterElements under its old name.</summary>
    public static IEnumerable<NodeProto> Scatter(NodeProto node, LiftContext c)
    {
        node.OpType = "ScatterElements";
        return [node];
    }

    private static NodeProto AsResize(NodeProto node, LiftContext c, string x, string scales, string mode, string rounding)
    {
        var resize = c.Node("Resize", [x, "", scales], node.Output, node.Name.Length > 0 ? node.Name : node.Output[0] + "_resize",
            Attributes.String("mode", mode is "bilinear" or "trilinear" ? "linear" : mode),
            Attributes.String("coordinate_transformation_mode", "asymmetric"));
        if (mode == "nearest")
        {
            resize.Attribute.Add(Attributes.String("nearest_mode", rounding));
        }

        return resize;
    }
}
