namespace OnnxCd.Runtime.Data.Sources;

/// <summary>The size of the images a model takes.</summary>
/// <param name="Channels">C (1 or 3).</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
public sealed record ImageSpec(int Channels, int Height, int Width)
{
    /// <summary>C·H·W.</summary>
    public int Size => Channels * Height * Width;

    /// <inheritdoc/>
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}

/// <summary>One sample of a dataset: its pixels ready for the model, or why it could not be read.</summary>
/// <param name="Index">The position in the dataset's deterministic order (0-based).</param>
/// <param name="Id">A stable id: the path relative to the dataset folder, or file#record, or the index.</param>
/// <param name="Label">The label, when the dataset has labels.</param>
/// <param name="Pixels">[C,H,W] in [0,1] at the model's size, or null when the sample is unreadable.</param>
/// <param name="Error">Why the sample was skipped, or null.</param>
public sealed record Sample(long Index, string Id, long? Label, float[]? Pixels, string? Error);
