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
