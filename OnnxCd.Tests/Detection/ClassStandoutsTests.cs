using OnnxCd.Runtime.Detection;

namespace OnnxCd.Tests.Detection;

public sealed class ClassStandoutsTests
{
    /// <summary>
    /// Three classes of 40. Class 1 lies 10 above the others as a whole (clean images with small masks);
    /// class 2 holds 10 samples 10 above its 30 genuine ones (a poisoned group). The scan-wide rule flags
    /// class 1 whole; class-centred, class 1 sits where class 0 does and only class 2's group stands out.
    /// </summary>
    [Fact]
    public void AClassShiftedAsAWholeDoesNotStandOut_AGroupWithinAClassDoes()
    {
        var classes = new List<long>();
        var suspicion = new List<double>();
        for (var i = 0; i < 120; i++)
        {
            var c = i / 40;
            var spread = (i % 40 % 5) * 0.1;
            classes.Add(c);
            suspicion.Add(spread + (c == 1 || (c == 2 && i % 40 >= 30) ? 10 : 0));
        }

        var standouts = ClassStandouts.BySuspicion(suspicion, classes);
        var mean = suspicion.Average();
        var cut = mean + Math.Sqrt(suspicion.Sum(v => (v - mean) * (v - mean)) / (suspicion.Count - 1));
        var flaggedScanWide = suspicion.Select(v => v > cut).ToArray();

        Assert.Equal(40, flaggedScanWide.Take(80).Count(f => f));
        Assert.Equal(0, standouts.Take(80).Count(s => s));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i >= 30), standouts.Skip(80));
        var target = SuspectedTarget.Find(ClassStatistics.Compute(classes, suspicion, flaggedScanWide, new Dictionary<TargetEvidence, bool[]> { [TargetEvidence.Suspicion] = standouts }, null, null))!;
        Assert.Equal(2, target.Class.Class);
    }

    [Fact]
    public void MismatchedLengths_AreRefused() =>
        Assert.Throws<ArgumentException>(() => ClassStandouts.BySuspicion([1, 2, 3], [0, 1]));
}
