namespace OnnxCd.Runtime.Distillation;

/// <summary>
/// The tensor names of the graphs CD runs, as chosen when they were built (the preferred names
/// below, suffixed if the model already uses them).
/// </summary>
/// <param name="Image">Input: images [N,C,H,W] in [0,1].</param>
/// <param name="Target">Reference graph output and step graph input: the matched tensor for the unmasked image.</param>
/// <param name="Theta">Step input: the mask parameter θ [N,1,H,W].</param>
/// <param name="Noise">Step input: the colour per image and channel [N,C,1,1].</param>
/// <param name="AdamM">Step input: Adam's first moment [N,1,H,W].</param>
/// <param name="AdamV">Step input: Adam's second moment [N,1,H,W].</param>
/// <param name="NegStepSize">Step input (scalar): −lr / (1 − β₁ᵗ).</param>
/// <param name="BiasCorrection2Sqrt">Step input (scalar): √(1 − β₂ᵗ).</param>
/// <param name="ThetaNext">Step output: θ after the Adam update.</param>
/// <param name="AdamMNext">Step output: the updated first moment.</param>
/// <param name="AdamVNext">Step output: the updated second moment.</param>
/// <param name="Loss">Step output: the per-sample objective at θ [N].</param>
/// <param name="Logits">Reference output in CD-F: the model's logits, for the predicted labels.</param>
public sealed record CdNames(
    string Image,
    string Target,
    string Theta,
    string Noise,
    string AdamM,
    string AdamV,
    string NegStepSize,
    string BiasCorrection2Sqrt,
    string ThetaNext,
    string AdamMNext,
    string AdamVNext,
    string Loss,
    string Logits);
