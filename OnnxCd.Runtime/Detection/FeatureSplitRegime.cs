namespace OnnxCd.Runtime.Detection;

/// <summary>What a scan's feature splits decided (<see cref="FeatureSplits"/>).</summary>
public enum FeatureSplitRegime
{
    /// <summary>Nothing: the mask-based target rule (<see cref="SuspectedTarget"/>) and lift stand.</summary>
    None,

    /// <summary>Every class splits, as an all-to-all backdoor makes them: no target class, and each sample's margin towards its class's smaller cluster joins its suspicion.</summary>
    EveryClassSplits,

    /// <summary>A clean reference set named the target (or none): the class whose split leaves the most scanned samples where clean images do not go.</summary>
    CleanReference,
}
