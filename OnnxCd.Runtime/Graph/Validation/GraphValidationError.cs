namespace OnnxCd.Runtime.Graph.Validation;

/// <summary>One problem found in a graph: which node, its op type and opset, and why.</summary>
/// <param name="NodeName">The node's name (or op type and first output when it has none).</param>
/// <param name="OpType">The node's op type, with its domain when not the default one.</param>
/// <param name="Opset">The opset version of the node's domain.</param>
/// <param name="Reason">What is wrong, and where possible what would be valid.</param>
public sealed record GraphValidationError(string NodeName, string OpType, long Opset, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"node '{NodeName}' ({OpType}, opset {Opset}): {Reason}";
}
