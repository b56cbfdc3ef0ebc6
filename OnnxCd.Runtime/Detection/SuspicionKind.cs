namespace OnnxCd.Runtime.Detection;

/// <summary>How a scan turns each sample's mask into its suspicion (larger = more suspicious).</summary>
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

    /// <summary>
    /// z(−ln L1) + 2·z(d): how small the mask is, plus twice how unlike its class's CD-L masks the
    /// sample's CD-L mask is shaped. d is the distance of the sample's CD-L mask, scaled to unit L2 norm,
    /// from the mean of its class's unit CD-L masks; z standardises over the scan by median and scaled
    /// MAD. Needs a second CD run per sample (CD-L, logits mode) beside the one that gives L1; it holds on
    /// attacks whose poisons keep large masks (onnx-models/README.md).
    /// </summary>
    SizeAndShape,

    /// <summary>
    /// z(S) + mean of z(S) over the sample's mask family, S the <see cref="SizeAndShape"/> suspicion: within
    /// each class the CD-L masks fall into families of like shape (<see cref="MaskFamilies"/>), and a
    /// sample shares its family's suspicion. Poisons carry one trigger, so their masks form a family that is
    /// suspicious as a whole, and a poison that CD alone scores low is lifted by the rest; z standardises
    /// over the scan by median and scaled MAD. Needs the same CD-L run as <see cref="SizeAndShape"/>.
    /// </summary>
    SizeShapeFamily,
}
