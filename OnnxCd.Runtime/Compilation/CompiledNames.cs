namespace OnnxCd.Runtime.Compilation;

/// <summary>The input and output names of a compiled CD model.</summary>
public static class CompiledNames
{
    /// <summary>Input: images [N,C,H,W], float32 in [0,1].</summary>
    public const string Images = "images";

    /// <summary>Input with <see cref="CompiledNoise.Seeds"/>: one int64 seed per image [N]; the image's colours depend only on it.</summary>
    public const string Seed = "seed";

    /// <summary>Input with <see cref="CompiledNoise.Input"/>: the colours [steps,N,C], float32 in [0,1], as in <c>onnxcd distill --noise</c>.</summary>
    public const string Noise = "noise";

    /// <summary>Output: the learned masks [N,1,H,W].</summary>
    public const string Mask = "mask";

    /// <summary>Output: each mask's sum [N], the CD score (small means suspicious).</summary>
    public const string L1 = "l1";

    /// <summary>Output: the model's logits for the unmasked images [N,K] (absent when the model has no single logits output).</summary>
    public const string Logits = "logits";

    /// <summary>Output of a compiled filter (<see cref="CompiledFilter"/>): whether each image is flagged [N], bool.</summary>
    public const string Flagged = "flagged";
}
