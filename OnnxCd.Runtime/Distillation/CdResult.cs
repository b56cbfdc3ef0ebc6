namespace OnnxCd.Runtime.Distillation;

/// <summary>The masks of a batch and their scores.</summary>
/// <param name="Masks">The learned masks, [N,1,H,W], values in (0,1).</param>
/// <param name="MaskShape">The dimensions of <paramref name="Masks"/>.</param>
/// <param name="L1">Σ of each mask (the CD score; small means suspicious), [N].</param>
/// <param name="Loss">The per-sample objective at the last step, [N].</param>
/// <param name="Predicted">The model's predicted class for each unmasked image, or null when it has no single logits output.</param>
public sealed record CdResult(float[] Masks, long[] MaskShape, float[] L1, float[] Loss, long[]? Predicted);
