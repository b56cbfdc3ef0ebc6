namespace OnnxCd.Runtime.Distillation;

/// <summary>What the mask must keep unchanged.</summary>
public enum CdMode
{
    /// <summary>CD-L: the model's logits (cd-algorithm.md section 2).</summary>
    Logits,

    /// <summary>The softmax of the logits (an OnnxCd option; the original matches logits).</summary>
    Probs,

    /// <summary>CD-F: a feature map, by default the last one before global pooling.</summary>
    Features,
}
