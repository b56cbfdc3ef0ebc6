namespace OnnxCd.Runtime.Detection;

/// <summary>Where each scanned sample lies in its class's feature split (<see cref="FeatureSplits"/>), in scan order.</summary>
/// <param name="Margins">Each sample's margin towards its class's smaller cluster, over the class's spread of margins; 0 in a class too small to split.</param>
/// <param name="ReferenceDistances">
/// Each sample's mean distance, in its class's split space, to the <see cref="FeatureSplits.NearestReference"/> nearest
/// clean reference images of its class, for the samples of the class the reference names as the target
/// (<see cref="FeatureSplit.Target"/>); NaN for every other sample (they are not measured, as nothing uses them).
/// </param>
public sealed record SplitPlacement(IReadOnlyList<double> Margins, IReadOnlyList<double> ReferenceDistances);
