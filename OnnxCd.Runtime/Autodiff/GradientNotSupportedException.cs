using OnnxCd.Runtime.Graph.Validation;

namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// The model has nodes on the differentiated path that OnnxCd cannot differentiate. Every such
/// node is listed in <see cref="Errors"/> and in the message, not only the first.
/// </summary>
public sealed class GradientNotSupportedException : ModelException
{
    /// <summary>Creates the exception from the full list of offending nodes.</summary>
    public GradientNotSupportedException(string model, string from, string to, IReadOnlyList<GraphValidationError> errors)
        : base(Describe(model, from, to, errors))
    {
        Errors = errors;
    }

    /// <summary>Every node that cannot be differentiated, with its op type, opset and the reason.</summary>
    public IReadOnlyList<GraphValidationError> Errors { get; }

    private static string Describe(string model, string from, string to, IReadOnlyList<GraphValidationError> errors)
    {
        var noun = errors.Count == 1 ? "node" : "nodes";
        var lines = errors.Select(e => "  - " + e);
        var supported = string.Join(", ", GradientRules.SupportedOpTypes.Order(StringComparer.Ordinal));
        return $"{errors.Count} {noun} of '{model}' on the path from '{from}' to '{to}' cannot be differentiated:{Environment.NewLine}"
            + string.Join(Environment.NewLine, lines) + Environment.NewLine
            + $"Op types OnnxCd differentiates: {supported}.";
    }
}
