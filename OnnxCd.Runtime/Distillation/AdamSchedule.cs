namespace OnnxCd.Runtime.Distillation;

/// <summary>
/// The two step-dependent scalars of PyTorch's Adam step (steps counted from 1), written once: the
/// managed step loop feeds them per step and the compiled model holds them as tables.
/// </summary>
internal static class AdamSchedule
{
    /// <summary>−lr / (1 − β₁ᵗ).</summary>
    public static double NegStepSize(CdOptions options, int step) => -(options.EffectiveLearningRate / (1 - Math.Pow(options.Beta1, step)));

    /// <summary>√(1 − β₂ᵗ).</summary>
    public static double BiasCorrection2Sqrt(CdOptions options, int step) => Math.Sqrt(1 - Math.Pow(options.Beta2, step));
}
