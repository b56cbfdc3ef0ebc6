namespace OnnxCd.Runtime.Detection;

/// <summary>Where each scanned sample lies in its class's feature split (<see cref="FeatureSplits"/>), in scan order.</summary>
/// <param name="Margins">Each sample's margin towards its class's smaller cluster, over the class's spread of margins; 0 in a class too small to split.</param>
/// <param name="ReferenceDistances">
/// Each sample's mean distance, in its class's split space, to the <see cref="FeatureSplits.NearestReference"/> nearest
/// clean reference images of its class; NaN without a reference or with fewer than <see cref="FeatureSplits.MinimumReference"/> of them.
/// </param>
public sealed record SplitPlacement(IReadOnlyList<double> Margins, IReadOnlyList<double> ReferenceDistances);
