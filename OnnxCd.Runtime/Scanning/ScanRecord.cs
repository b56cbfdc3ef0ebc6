namespace OnnxCd.Runtime.Scanning;

/// <summary>The result for one scanned sample.</summary>
/// <param name="Index">The sample's index in the dataset.</param>
/// <param name="Id">Its stable id (relative path, file#record, or index).</param>
/// <param name="Label">Its label, when the data has labels.</param>
/// <param name="Predicted">The model's predicted class for the unmasked image, when known.</param>
/// <param name="L1">Σ of the mask: the score (small = suspicious).</param>
/// <param name="Loss">The CD objective at the last step.</param>
public sealed record ScanRecord(long Index, string Id, long? Label, long? Predicted, double L1, double Loss);
