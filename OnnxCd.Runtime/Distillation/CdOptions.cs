namespace OnnxCd.Runtime.Distillation;

/// <summary>
/// The hyper-parameters of Cognitive Distillation. Unset values take the original code's defaults
/// for the mode (cd-algorithm.md sections 1.5 and 1.7): CD-L lr 0.1, α 0.01, β 1; CD-F lr 0.05,
/// α 0.001, β 10; 100 steps, Adam betas (0.1, 0.1), eps 1e-8, θ starting at 1.
/// </summary>
public sealed record CdOptions
{
    /// <summary>What the mask must keep: logits (CD-L), probabilities, or a feature map (CD-F).</summary>
    public CdMode Mode { get; init; } = CdMode.Logits;

    /// <summary>The model output holding the logits; null for the model's only float output.</summary>
    public string? Output { get; init; }

    /// <summary>The tensor CD-F matches; null for the last 4-D map before global pooling.</summary>
    public string? Feature { get; init; }

    /// <summary>Optimisation steps (original: 100, section 1.5).</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Adam learning rate; null for 0.1 (CD-L) or 0.05 (CD-F) (section 1.7).</summary>
    public double? LearningRate { get; init; }

    /// <summary>
    /// Weight α of the mask's L1 norm; null for 0.01 (CD-L) or 0.001 (CD-F) (section 1.7; "gamma" in the
    /// original code), or 1e-4 in probability mode (not in the paper: probabilities move far less than
    /// logits; chosen among 1e-2 … 3e-5 on the shipped Fashion-MNIST models, onnx-models/README.md).
    /// </summary>
    public double? Alpha { get; init; }

    /// <summary>Weight β of the squared total variation; null for 1 (CD-L) or 10 (CD-F) (section 1.7).</summary>
    public double? Beta { get; init; }

    /// <summary>Adam β₁ (original: 0.1, section 1.5).</summary>
    public double Beta1 { get; init; } = 0.1;

    /// <summary>Adam β₂ (original: 0.1, section 1.5).</summary>
    public double Beta2 { get; init; } = 0.1;

    /// <summary>Adam ε (PyTorch's default, 1e-8, section 1.5).</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>The starting value of every θ (original: 1, so the mask starts at (tanh 1 + 1)/2 ≈ 0.881, section 1.2).</summary>
    public float InitialTheta { get; init; } = 1f;

    /// <summary>Seed of the noise colours (ignored when noise is read from a file).</summary>
    public ulong Seed { get; init; }

    /// <summary>Per-channel mean of the normalisation the model expects, or null when it takes [0,1] pixels.</summary>
    public IReadOnlyList<float>? Mean { get; init; }

    /// <summary>Per-channel standard deviation of the normalisation the model expects, or null.</summary>
    public IReadOnlyList<float>? Std { get; init; }

    /// <summary>The learning rate in use.</summary>
    public double EffectiveLearningRate => LearningRate ?? (Mode == CdMode.Features ? 0.05 : 0.1);

    /// <summary>The α in use.</summary>
    public double EffectiveAlpha => Alpha ?? Mode switch { CdMode.Features => 0.001, CdMode.Probs => 1e-4, _ => 0.01 };

    /// <summary>The β in use.</summary>
    public double EffectiveBeta => Beta ?? (Mode == CdMode.Features ? 10 : 1);

    /// <summary>Refuses values no run can use, naming the valid range.</summary>
    /// <exception cref="SettingException">A value is out of range.</exception>
    public void Validate()
    {
        Require(Steps >= 1, Setting.Steps, Steps, $"an integer of at least 1");
        Require(EffectiveLearningRate > 0 && double.IsFinite(EffectiveLearningRate), Setting.LearningRate, EffectiveLearningRate, $"a positive number");
        Require(EffectiveAlpha >= 0 && double.IsFinite(EffectiveAlpha), Setting.Alpha, EffectiveAlpha, $"a number of at least 0");
        Require(EffectiveBeta >= 0 && double.IsFinite(EffectiveBeta), Setting.Beta, EffectiveBeta, $"a number of at least 0");
        Require(Beta1 is >= 0 and < 1, Setting.Beta1, Beta1, $"a number in [0, 1)");
        Require(Beta2 is >= 0 and < 1, Setting.Beta2, Beta2, $"a number in [0, 1)");
        Require(Epsilon > 0 && double.IsFinite(Epsilon), Setting.Epsilon, Epsilon, $"a positive number");
        Require((Mean is null) == (Std is null), Setting.Mean, Mean?.Count ?? 0, $"given together with {Setting.Std}");
        Require(Std is null || Std.All(s => s > 0 && float.IsFinite(s)), Setting.Std, string.Join(",", Std ?? []), $"positive numbers");
        Require(Mean is null || Mean.Count == Std!.Count, Setting.Mean, Mean?.Count ?? 0, $"as many values as {Setting.Std} ({Std?.Count})");
    }

    private static void Require(bool condition, Setting setting, object value, FormattableString valid)
    {
        if (!condition)
        {
            throw new SettingException($"{setting} {value} is not valid; it must be {valid}.");
        }
    }
}
