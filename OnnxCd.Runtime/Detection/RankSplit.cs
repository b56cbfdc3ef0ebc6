namespace OnnxCd.Runtime.Detection;

/// <summary>
/// The paper's split for mitigation (cd-algorithm.md section 3.5): the most suspicious fraction
/// (default 2.5%, "unlearn") and the least suspicious fraction (default 70%, "safe") by suspicion rank;
/// ties go by sample index.
/// </summary>
/// <param name="Unlearn">Indices of the most suspicious samples, most suspicious first.</param>
/// <param name="Safe">Indices of the least suspicious samples, least suspicious last.</param>
public sealed record RankSplit(IReadOnlyList<long> Unlearn, IReadOnlyList<long> Safe)
{
    /// <summary>Splits samples given by index and suspicion (larger = more suspicious).</summary>
    public static RankSplit Compute(IReadOnlyList<long> indices, IReadOnlyList<double> suspicion, double unlearnFraction = 0.025, double safeFraction = 0.7) =>
        FromOrder(indices, SuspicionOrder.Of(suspicion, indices), unlearnFraction, safeFraction);

    /// <summary>Splits samples already ranked by <see cref="SuspicionOrder"/>.</summary>
    internal static RankSplit FromOrder(IReadOnlyList<long> indices, int[] order, double unlearnFraction, double safeFraction)
    {
        var unlearn = (int)Math.Ceiling(unlearnFraction * order.Length);
        var safe = (int)Math.Floor(safeFraction * order.Length);
        return new RankSplit(order[..unlearn].Select(i => indices[i]).ToArray(), order[^safe..].Select(i => indices[i]).ToArray());
    }
}
