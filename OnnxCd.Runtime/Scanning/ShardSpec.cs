using System.Globalization;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (0-based, as Kubernetes Indexed Jobs number
/// their pods): the contiguous slice [⌊i·N/n⌋, ⌊(i+1)·N/n⌋) of a dataset of N samples.
/// </summary>
/// <param name="Index">i, from 0 to n − 1.</param>
/// <param name="Count">n, at least 1.</param>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>The whole dataset.</summary>
    public static ShardSpec All { get; } = new(0, 1);

    /// <summary>Parses "i/n".</summary>
    /// <exception cref="ArgumentException">Not "i/n" with 0 ≤ i &lt; n.</exception>
    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index < count)
        {
            return new ShardSpec(index, count);
        }

        throw new SettingException($"{Setting.Shard} '{text}' is not valid; give i/n with 0 ≤ i < n (shards are numbered from 0, as $JOB_COMPLETION_INDEX in Kubernetes), for example 0/4.");
    }

    /// <summary>The slice [start, end) of a dataset of <paramref name="total"/> samples.</summary>
    public (long Start, long End) Slice(long total) => (total * Index / Count, total * (Index + 1) / Count);

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
