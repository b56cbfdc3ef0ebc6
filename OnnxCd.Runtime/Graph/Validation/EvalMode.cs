using Onnx;

namespace OnnxCd.Runtime.Graph.Validation;

/// <summary>Finds nodes exported in training mode, which compute with batch statistics and so tie each sample's mask to the rest of its batch.</summary>
public static class EvalMode
{
    /// <summary>The BatchNormalization nodes of <paramref name="model"/> in training mode (training_mode = 1, or running statistics as outputs), as node labels.</summary>
    public static IReadOnlyList<string> TrainingModeBatchNorms(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Proto.Graph.Node.Where(IsTrainingBatchNorm).Select(GraphIndex.NodeLabel).ToList();
    }

    private static bool IsTrainingBatchNorm(NodeProto node) =>
        node.OpType == "BatchNormalization"
        && (Attributes.GetInt(node, "training_mode", 0) != 0 || node.Output.Skip(1).Any(o => o.Length > 0));
}
