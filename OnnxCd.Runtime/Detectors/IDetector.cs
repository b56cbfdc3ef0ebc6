namespace OnnxCd.Runtime.Detectors;

/// <summary>A detector that scores every scanned sample from what <see cref="DetectorInputs"/> gives it.</summary>
public interface IDetector
{
    /// <summary>Which detector this is.</summary>
    DetectorKind Kind { get; }

    /// <summary>One score per sample of <paramref name="inputs"/>, in their order; larger = more suspicious.</summary>
    /// <exception cref="ModelException">The detector cannot score this scan (for example, no feature map).</exception>
    double[] Score(DetectorInputs inputs);
}
