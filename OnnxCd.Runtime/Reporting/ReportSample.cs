namespace OnnxCd.Runtime.Reporting;

/// <summary>A sample the report shows with its image, mask and cognitive pattern.</summary>
/// <param name="Index">Its index in the dataset.</param>
/// <param name="Id">Its stable id.</param>
/// <param name="Label">Its label, when known.</param>
/// <param name="Predicted">The model's predicted class, when known.</param>
/// <param name="L1">Its score.</param>
/// <param name="MostSuspicious">Whether it is among the most suspicious (else the least).</param>
/// <param name="Poisoned">Its ground truth, when known.</param>
/// <param name="Image">Its pixels [C,H,W] in [0,1].</param>
/// <param name="Mask">Its mask [H,W] in [0,1].</param>
public sealed record ReportSample(long Index, string Id, long? Label, long? Predicted, double L1, bool MostSuspicious, bool? Poisoned, float[] Image, float[] Mask);
