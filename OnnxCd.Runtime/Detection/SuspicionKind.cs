namespace OnnxCd.Runtime.Detection;

/// <summary>How a scan turns each sample's mask size (L1) into its suspicion (larger = more suspicious).</summary>
public enum SuspicionKind
{
    /// <summary>−L1: the smaller the mask, the more suspicious (the paper's ranking).</summary>
    MaskSize,

    /// <summary>
    /// ln(q₇₅(c) / L1), q₇₅(c) the 0.75-quantile of the L1 of the sample's class: how many times smaller
    /// the mask is than its class's ordinary masks. Scale-free, and some classes' clean images (bags in
    /// Fashion-MNIST) need far smaller masks than others', which −L1 mistakes for poison.
    /// </summary>
    ClassRelative,
}
