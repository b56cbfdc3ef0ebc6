using OnnxCd.Runtime.Detection;

namespace OnnxCd.Tests.Detection;

public sealed class SuspicionTests
{
    [Fact]
    public void MaskSize_IsMinusL1() =>
        Assert.Equal([-3.0, -0.5], Suspicion.Compute(SuspicionKind.MaskSize, [3, 0.5], null));

    [Fact]
    public void ClassRelative_DividesByEachClasssUpperQuartile()
    {
        // Class 0: L1 1…5, 0.75-quantile 4. Class 1: L1 10 and 30, 0.75-quantile 25 (linear interpolation).
        double[] l1 = [1, 2, 3, 4, 5, 10, 30];
        long[] classes = [0, 0, 0, 0, 0, 1, 1];

        var suspicion = Suspicion.Compute(SuspicionKind.ClassRelative, l1, classes);

        Assert.Equal(Math.Log(4), suspicion[0], 12);
        Assert.Equal(0, suspicion[3], 12);
        Assert.Equal(Math.Log(25.0 / 10), suspicion[5], 12);
        Assert.Equal(Math.Log(25.0 / 30), suspicion[6], 12);
    }

    [Fact]
    public void ClassRelative_IsScaleFree_AndFiniteForAVanishedMask()
    {
        double[] l1 = [0, 2, 3, 8];
        var scaled = Suspicion.Compute(SuspicionKind.ClassRelative, l1.Select(v => v * 1000).ToList(), null);
        var plain = Suspicion.Compute(SuspicionKind.ClassRelative, l1, null);

        Assert.All(plain, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(plain[1..], scaled[1..], (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(plain.Max(), plain[0]);
    }
}
