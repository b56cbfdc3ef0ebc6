using Onnx;
using static OnnxCd.Runtime.Graph.Opsets.AttributeInputs;

namespace OnnxCd.Runtime.Graph.Opsets;

/// <summary>
/// Brings a model from any opset between <see cref="Oldest"/> and <see cref="Target"/> to
/// <see cref="Target"/> when it is loaded, so the rest of OnnxCd reads and writes one set of op forms.
/// Ops whose definition did not change between the model's opset and the target keep their nodes
/// (only types were widened, negative axes allowed, defaults written out); those that changed are
/// translated (the table below), each into nodes that compute what the model's own opset defined.
/// Models at <see cref="Target"/> or newer are left as they are. The lifted forms are checked against
/// ONNX's own operator tests at their original opsets (the conformance tests) and against PyTorch
/// models exported at opsets 9 to 17.
/// </summary>
internal static class OpsetLift
{
    /// <summary>The opset models are lifted to: the one OnnxCd emits at (CUDA kernels match its op versions).</summary>
    public const long Target = 17;

    /// <summary>The oldest opset OnnxCd reads: the first.</summary>
    public const long Oldest = 1;

    /// <summary>Element-wise ops that had the broadcast and axis attributes before opset 7.</summary>
    private static readonly string[] s_legacyBroadcast = ["Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less", "Gemm"];

    /// <summary>(op type, first opset of the target's form, inputs the old form requires, what changes, translation) for each op whose form changed.</summary>
    private static readonly (string OpType, long Since, int Inputs, string Change, NodeTranslation Translate)[] s_translations =
    [
        .. s_legacyBroadcast.Select(op => (op, 7L, 2, "legacy broadcast attributes → numpy broadcasting", (NodeTranslation)ChangedMeanings.LegacyBroadcast)),
        ("Cast", 6, 1, "type name → type number", ChangedMeanings.Cast),
        ("Concat", 4, 1, "default axis written out", ChangedMeanings.Concat),
        ("Reshape", 5, 1, "shape attribute → input", AttributeInputs.Reshape),
        ("Slice", 10, 1, "attributes → inputs", AttributeInputs.Slice),
        ("TopK", 10, 1, "k attribute → input", AttributeInputs.TopK),
        ("Pad", 11, 1, "attributes → inputs", AttributeInputs.Pad),
        ("Clip", 11, 1, "attributes → inputs", AttributeInputs.Clip),
        ("Resize", 11, 2, "opset-10 rounding → asymmetric coordinates", ChangedMeanings.Resize10),
        ("Scatter", Target + 1, 3, "→ ScatterElements", ChangedMeanings.Scatter),
        ("Upsample", Target + 1, 1, "→ Resize (asymmetric)", ChangedMeanings.Upsample),
        ("Dropout", 12, 1, "ratio attribute → input", AttributeInputs.Dropout),
        ("Squeeze", 13, 1, "axes attribute → input", AttributeInputs.Axes),
        ("Unsqueeze", 13, 1, "axes attribute → input", AttributeInputs.Axes),
        ("ReduceSum", 13, 1, "axes attribute → input", AttributeInputs.Axes),
        ("Split", 13, 1, "split attribute → input", AttributeInputs.Split),
        ("Softmax", 13, 1, "2-D coercion spelled out", ChangedMeanings.Softmax),
        ("LogSoftmax", 13, 1, "2-D coercion spelled out", ChangedMeanings.Softmax),
        ("Hardmax", 13, 1, "2-D coercion spelled out", ChangedMeanings.Softmax),
        ("BatchNormalization", 14, 5, "spatial and training outputs → training_mode", ChangedMeanings.BatchNormalization),
        ("RoiAlign", 16, 3, "old default coordinates written out", ChangedMeanings.RoiAlign),
        ("ImageScaler", 10, 1, "removed experimental op → Mul, Add", RemovedOps.ImageScaler),
        ("Affine", 10, 1, "removed experimental op → Mul, Add", RemovedOps.Affine),
        ("Scale", 10, 1, "removed experimental op → Mul", RemovedOps.Scale),
        ("ScaledTanh", 10, 1, "removed experimental op → Mul, Tanh", RemovedOps.ScaledTanh),
    ];

    private const string Experimental = "an experimental op that ONNX removed at opset 10, with no standard form OnnxCd spells";

    /// <summary>(op type, first opset where the refusal no longer applies, why): forms the lift does not carry to the target.</summary>
    private static readonly (string OpType, long Before, string Why)[] s_refused =
    [
        ("Scan", 9, "Scan-8's batch axis and sequence_lens input have no form from opset 9 on"),
        ("Tile", 6, "Tile-1's tiles and axis inputs have no form from opset 6 on (repeats)"),
        ("LpPool", 2, "LpPool-1's float p has no form from opset 2 on"),
        ("MeanVarianceNormalization", 9, Experimental),
        ("Crop", 10, Experimental),
        ("DynamicSlice", 10, Experimental),
        ("GRUUnit", 10, Experimental),
        ("GivenTensorFill", 10, Experimental),
        ("ConstantFill", 10, Experimental),
        ("ParametricSoftplus", 10, Experimental),
    ];

    /// <summary>
    /// Lifts <paramref name="model"/> in place to <see cref="Target"/> when it is older, and says what changed:
    /// one line per translated node kind, with its count; empty when nothing was translated.
    /// </summary>
    /// <exception cref="ModelException">The opset is older than <see cref="Oldest"/>, or a node has no form at the target.</exception>
    public static IReadOnlyList<string> Apply(ModelProto model, string description)
    {
        var opset = OnnxModel.OpsetOf(model, description);
        if (opset >= Target)
        {
            return [];
        }

        if (opset < Oldest)
        {
            throw new ModelException($"Model '{description}' declares opset {opset} for the default domain; ONNX opsets start at {Oldest}. Re-export it with torch.onnx.export(..., opset_version={Target}).");
        }

        var changes = new List<string>();
        Lift(model.Graph, opset, description, changes);
        foreach (var import in model.OpsetImport.Where(i => i.Domain is "" or "ai.onnx"))
        {
            import.Version = Target;
        }

        model.IrVersion = Math.Max(model.IrVersion, 8);
        return changes.GroupBy(c => c).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} (×{g.Count()})").ToList();
    }

    private static void Lift(GraphProto graph, long opset, string description, List<string> changes)
    {
        var context = new LiftContext(graph, opset, description);
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        foreach (var node in nodes)
        {
            foreach (var attribute in node.Attribute)
            {
                if (attribute.G is { } body)
                {
                    Lift(body, opset, description, changes);
                }

                foreach (var branch in attribute.Graphs)
                {
                    Lift(branch, opset, description, changes);
                }
            }

            if (node.Domain is not ("" or "ai.onnx"))
            {
                graph.Node.Add(node);
                continue;
            }

            if (s_refused.FirstOrDefault(r => r.OpType == node.OpType && opset < r.Before) is { Why: { } why })
            {
                throw context.Refuse(node, $"{node.OpType} at opset {opset}: {why}; OnnxCd lifts models to opset {Target}. Re-export the model at opset {Target}");
            }

            if (opset < 7)
            {
                // Hints and flags of the first opsets that later ones dropped without a change of meaning.
                Take(node, "consumed_inputs");
                Take(node, "is_test");
            }

            var translation = s_translations.FirstOrDefault(t => t.OpType == node.OpType && opset < t.Since);
            if (translation.Translate is null)
            {
                graph.Node.Add(node);
                continue;
            }

            if (node.Input.Count < translation.Inputs || node.Output.Count == 0 || node.Output[0].Length == 0)
            {
                throw context.Refuse(node, $"{node.OpType} at opset {opset} needs {translation.Inputs} input(s) and an output; the node has {node.Input.Count} and {node.Output.Count}");
            }

            var before = node.Clone();
            var replaced = translation.Translate(node, context).ToList();
            if (replaced.Count != 1 || !replaced[0].Equals(before))
            {
                changes.Add($"{before.OpType}: {translation.Change}");
            }

            graph.Node.AddRange(replaced);
        }
    }
}
