namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// How to differentiate one op type: <see cref="Emit"/> writes the nodes that turn output
/// gradients into input gradients; <see cref="Check"/> (optional) says why a particular node of
/// that type cannot be differentiated (a weight on the path, a training-mode flag, ...), or null.
/// </summary>
internal sealed class GradientRule
{
    private GradientRule(Action<GradientContext> emit, Func<NodeView, string?>? check, bool carriesGradient)
    {
        Emit = emit;
        Check = check;
        CarriesGradient = carriesGradient;
    }

    /// <summary>A rule that carries no gradient: the op is constant almost everywhere or not numeric.</summary>
    public static GradientRule NoGradient { get; } = new(_ => { }, null, carriesGradient: false);

    public Action<GradientContext> Emit { get; }

    public Func<NodeView, string?>? Check { get; }

    /// <summary>False for ops whose inputs receive no gradient; the backward pass then expects none.</summary>
    public bool CarriesGradient { get; }

    public static GradientRule Of(Action<GradientContext> emit, Func<NodeView, string?>? check = null) => new(emit, check, carriesGradient: true);
}
