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

    [Fact]
    public void SizeAndShape_AddsTheStandardisedSize_AndTwiceTheStandardisedShape()
    {
        // −ln L1 = −1 … −5: median −3, MAD 1. Shape 1, 2, 3, 4, 10: median 3, MAD 1. Both spreads 1.4826.
        var l1 = Enumerable.Range(1, 5).Select(i => Math.Exp(i)).ToList();
        double[] shape = [1, 2, 3, 4, 10];

        var suspicion = Suspicion.Compute(SuspicionKind.SizeAndShape, l1, null, shape);

        Assert.Equal((2 + (2 * -2)) / 1.4826, suspicion[0], 12);
        Assert.Equal(0, suspicion[2], 12);
        Assert.Equal((-2 + (2 * 7)) / 1.4826, suspicion[4], 12);
    }

    [Fact]
    public void SizeAndShape_WhereMostValuesTie_FallsBackToTheStandardDeviation_OrToOne()
    {
        // L1 all but one equal: MAD 0, so the size term is scaled by the sample standard deviation. Shapes all equal: the shape term is 0.
        double[] l1 = [1, 1, 1, 1, Math.Exp(-5)];
        var size = l1.Select(v => -Math.Log(v)).ToList();
        var std = Math.Sqrt(size.Sum(v => (v - 1.0) * (v - 1.0)) / 4);

        var suspicion = Suspicion.Compute(SuspicionKind.SizeAndShape, l1, null, [0.3, 0.3, 0.3, 0.3, 0.3]);

        Assert.Equal([0, 0, 0, 0, 5 / std], suspicion, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void SizeAndShape_WithoutOneShapePerSample_IsRefused() =>
        Assert.Contains("one shape distance per score (2); got 1", Assert.Throws<ArgumentException>(() => Suspicion.Compute(SuspicionKind.SizeAndShape, [1, 2], null, [0.5])).Message, StringComparison.Ordinal);

    [Fact]
    public void SizeShapeFamily_StandardisesSizeAndShape_AndAddsItsFamilysMean()
    {
        // Equal L1: the size term is 0. Shape 0 … 4: S = 2·(d − 2)/1.4826, whose own z is (d − 2)/1.4826.
        // Family 5 holds the first two (mean −1.5/1.4826), family 8 the last three (mean 1/1.4826).
        double[] l1 = [3, 3, 3, 3, 3];

        var suspicion = Suspicion.Compute(SuspicionKind.SizeShapeFamily, l1, null, [0, 1, 2, 3, 4], [5, 5, 8, 8, 8]);

        Assert.Equal(new[] { -3.5, -2.5, 1, 2, 3 }.Select(v => v / 1.4826), suspicion, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void SizeShapeFamily_WithoutOneFamilyPerSample_IsRefused() =>
        Assert.Contains("one mask family per score (2); got 0", Assert.Throws<ArgumentException>(() => Suspicion.Compute(SuspicionKind.SizeShapeFamily, [1, 2], null, [0.5, 0.6])).Message, StringComparison.Ordinal);
}
