namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// What to differentiate: the inputs to take gradients with respect to, and either outputs whose
/// cotangents become new graph inputs (a vector–Jacobian product), or a scalar loss seeded with 1.
/// </summary>
public sealed record GradientRequest
{
    /// <summary>The graph inputs to differentiate with respect to (float tensors).</summary>
    public required IReadOnlyList<string> Wrt { get; init; }

    /// <summary>Outputs that receive a cotangent input each; the result is Jᵀ·c summed over them.</summary>
    public IReadOnlyList<string> Cotangents { get; init; } = [];

    /// <summary>A scalar tensor whose gradient is seeded with 1 (for example a loss built in the graph).</summary>
    public string? Loss { get; init; }

    /// <summary>The providers the backward nodes must run on; <see cref="ProviderTarget.Any"/> unless set.</summary>
    public ProviderTarget Target { get; init; }

    /// <summary>A vector–Jacobian product of <paramref name="outputs"/> with respect to <paramref name="wrt"/>.</summary>
    public static GradientRequest Vjp(string wrt, params string[] outputs) => new() { Wrt = [wrt], Cotangents = outputs };

    /// <summary>The gradient of scalar <paramref name="loss"/> with respect to <paramref name="wrt"/>.</summary>
    public static GradientRequest OfLoss(string loss, params string[] wrt) => new() { Wrt = wrt, Loss = loss };

    internal IEnumerable<string> Seeds => Loss is null ? Cotangents : Cotangents.Append(Loss);
}
