namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// Compares CD masks from two implementations whose kernels round differently, sample by sample:
/// near a kink of the objective one may take another subgradient and that sample's mask follows
/// another path (see <c>ReferenceParityTests</c>), so a few samples may differ while the rest agree.
/// </summary>
internal static class MaskAgreement
{
    /// <summary>The largest |Δm| of each sample; masks are [N,1,H,W] with <paramref name="plane"/> = H·W.</summary>
    public static double[] WorstPerSample(float[] masks, float[] reference, int plane) =>
        Enumerable.Range(0, masks.Length / plane)
            .Select(i => Enumerable.Range(i * plane, plane).Max(j => (double)Math.Abs(masks[j] - reference[j])))
            .ToArray();

    /// <summary>At most <paramref name="divergedPer64"/> samples in 64 differ by more than 1e-4, and the median sample by at most 1e-5.</summary>
    public static void AssertNearlyAllAgree(double[] worst, int divergedPer64, string what)
    {
        var perSample = string.Join(" ", worst.Select(w => w.ToString("E1")));
        var diverged = worst.Count(w => w > 1e-4);
        Assert.True(diverged * 64 <= worst.Length * divergedPer64, $"{what}: {diverged} of {worst.Length} samples differ by more than 1e-4 (worst {worst.Max():E2}); per sample: {perSample}");
        var median = worst.Order().ElementAt(worst.Length / 2);
        Assert.True(median <= 1e-5, $"{what}: median per-sample max |Δm| {median:E2} > 1e-5; per sample: {perSample}");
    }
}
