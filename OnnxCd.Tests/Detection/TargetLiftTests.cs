using OnnxCd.Runtime.Detection;

namespace OnnxCd.Tests.Detection;

public sealed class TargetLiftTests
{
    [Fact]
    public void Apply_AddsOneSampleStdToTheTargetClassOnly()
    {
        // Scores 1, 2, 3, 6: mean 3, sample variance (4 + 1 + 0 + 9) / 3 = 14/3.
        double[] suspicion = [1, 2, 3, 6];
        long[] classes = [0, 1, 0, 2];

        var (lifted, lift) = TargetLift.Apply(suspicion, classes, target: 0);

        var std = Math.Sqrt(14.0 / 3);
        Assert.Equal(std, lift, 12);
        Assert.Equal([1 + std, 2, 3 + std, 6], lifted);
    }

    [Fact]
    public void Apply_ToAClassWithNoSamples_ChangesNothing()
    {
        var (lifted, _) = TargetLift.Apply([1.0, 2.0], [0L, 1L], target: 7);

        Assert.Equal([1.0, 2.0], lifted);
    }

    [Fact]
    public void Apply_RefusesClassesThatDoNotMatchTheScores()
    {
        var error = Assert.Throws<ArgumentException>(() => TargetLift.Apply([1.0, 2.0], [0L], target: 0));

        Assert.Contains("1 classes for 2 suspicion scores", error.Message);
    }
}
