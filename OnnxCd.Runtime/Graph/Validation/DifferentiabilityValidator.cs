using Onnx;

namespace OnnxCd.Runtime.Graph.Validation;

/// <summary>
/// Lists every node on a path that cannot be differentiated, not only the first. What counts as
/// differentiable is supplied by the caller, so this folder stays free of gradient knowledge.
/// </summary>
internal static class DifferentiabilityValidator
{
    /// <param name="nodes">The nodes on the path from the inputs to differentiate to the outputs.</param>
    /// <param name="opsetOf">The opset version of a node's domain.</param>
    /// <param name="whyNot">Null when the node can be differentiated, else the reason it cannot.</param>
    public static IReadOnlyList<GraphValidationError> Validate(IEnumerable<NodeProto> nodes, Func<NodeProto, long> opsetOf, Func<NodeProto, string?> whyNot)
    {
        var errors = new List<GraphValidationError>();
        foreach (var node in nodes)
        {
            if (whyNot(node) is { } reason)
            {
                var opType = node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";
                errors.Add(new GraphValidationError(GraphIndex.NodeLabel(node), opType, opsetOf(node), reason));
            }
        }

        return errors;
    }
}
