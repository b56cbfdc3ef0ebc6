namespace OnnxCd.Runtime.Scanning;

/// <summary>A sample that could not be scanned, and why.</summary>
/// <param name="Index">The sample's index in the dataset.</param>
/// <param name="Id">Its stable id.</param>
/// <param name="Reason">What was wrong with it.</param>
public sealed record ScanError(long Index, string Id, string Reason);
