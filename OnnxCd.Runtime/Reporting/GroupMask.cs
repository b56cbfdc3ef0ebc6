namespace OnnxCd.Runtime.Reporting;

/// <summary>The mean mask of a group of samples: where the model looks for that group (the paper's bias analysis).</summary>
/// <param name="Name">The group, for example "class 3 (Dress)", "flagged" or "poisoned".</param>
/// <param name="Count">Samples in the group.</param>
/// <param name="Mask">The mean mask [H,W].</param>
public sealed record GroupMask(string Name, long Count, float[] Mask);
