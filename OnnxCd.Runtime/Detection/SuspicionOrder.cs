namespace OnnxCd.Runtime.Detection;

/// <summary>The ranking every output of a scan shares: most suspicious (smallest score) first, ties by sample index.</summary>
internal static class SuspicionOrder
{
    /// <summary>Positions into <paramref name="scores"/>, sorted by score, then by index; 4 bytes a sample.</summary>
    public static int[] Of(IReadOnlyList<double> scores, IReadOnlyList<long> indices)
    {
        var order = new int[scores.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => scores[a].CompareTo(scores[b]) is var byScore and not 0 ? byScore : indices[a].CompareTo(indices[b]));
        return order;
    }
}
