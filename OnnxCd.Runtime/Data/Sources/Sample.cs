namespace OnnxCd.Runtime.Data.Sources;

/// <summary>One sample of a dataset: its pixels ready for the model, or why it could not be read.</summary>
/// <param name="Index">The position in the dataset's deterministic order (0-based).</param>
/// <param name="Id">A stable id: the path relative to the dataset folder, or file#record, or the index.</param>
/// <param name="Label">The label, when the dataset has labels.</param>
/// <param name="Pixels">[C,H,W] in [0,1] at the model's size, or null when the sample is unreadable.</param>
/// <param name="Error">Why the sample was skipped, or null.</param>
public sealed record Sample(long Index, string Id, long? Label, float[]? Pixels, string? Error);
