namespace OnnxCd.Runtime.Detection;

/// <summary>What marks a sample as standing out within its class, for the target test (<see cref="ClassStandouts"/>).</summary>
public enum TargetEvidence
{
    /// <summary>Its suspicion, against its class's bulk (<see cref="ClassStandouts.BySuspicion"/>).</summary>
    Suspicion,

    /// <summary>Its CD-L mask's distance from its class's mean mask (<see cref="ClassStandouts.ByShape"/>).</summary>
    MaskShape,
}
