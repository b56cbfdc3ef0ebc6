
namespace OnnxCd.Runtime.Inspection;

/// <summary>One graph input or output as declared, and as probed for the inspected input size.</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="ElementType">The element type, for example <c>float32</c>.</param>
/// <param name="DeclaredShape">The shape written in the model, with symbolic dimensions by name.</param>
/// <param name="ProbedShape">The shape found by the probe run (<c>?</c> for the batch axis), or null.</param>
public sealed record TensorSummary(string Name, string ElementType, string DeclaredShape, string? ProbedShape);
