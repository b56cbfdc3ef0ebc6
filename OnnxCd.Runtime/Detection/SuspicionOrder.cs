namespace OnnxCd.Runtime.Detection;

/// <summary>The ranking every output of a scan shares: most suspicious (largest suspicion) first, ties by sample index.</summary>
internal static class SuspicionOrder
{
    /// <summary>Positions into <paramref name="suspicion"/>, by descending suspicion, then by index; 4 bytes a sample.</summary>
    public static int[] Of(IReadOnlyList<double> suspicion, IReadOnlyList<long> indices)
    {
        var order = new int[suspicion.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => suspicion[b].CompareTo(suspicion[a]) is var bySuspicion and not 0 ? bySuspicion : indices[a].CompareTo(indices[b]));
        return order;
    }
}
