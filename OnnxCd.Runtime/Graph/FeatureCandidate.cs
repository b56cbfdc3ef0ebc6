
namespace OnnxCd.Runtime.Graph;

/// <summary>The tensor CD-F would match, and why it was chosen.</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Reason">How it was found.</param>
public sealed record FeatureCandidate(string Name, string Shape, string Reason);
