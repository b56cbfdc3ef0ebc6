using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Detection;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Detection;

public sealed class GroundTruthTests
{
    [Fact]
    public void IndexList_MarksThoseSamples()
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("idx.npy"), NpyArray.Of(new long[] { 4, 1 }, 2));
        var truth = GroundTruth.Load(dir.File("idx.npy"), 6);
        Assert.Equal(new[] { false, true, false, false, true, false }, truth.Poisoned);
        Assert.Contains("index list", truth.Interpretation, StringComparison.Ordinal);
    }

    [Fact]
    public void IndicatorOfOnesAndZeros_OrBools_OrText_IsReadAsAnIndicator()
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("ind.npy"), NpyArray.Of(new byte[] { 0, 1, 1, 0 }, 4));
        File.WriteAllText(dir.File("ind.txt"), "false\ntrue\ntrue\nfalse\n");

        Assert.Equal(new[] { false, true, true, false }, GroundTruth.Load(dir.File("ind.npy"), 4).Poisoned);
        Assert.Equal(new[] { false, true, true, false }, GroundTruth.Load(dir.File("ind.txt"), 4).Poisoned);
        Assert.Contains("1 = poisoned", GroundTruth.Load(dir.File("ind.npy"), 4).Interpretation, StringComparison.Ordinal);
    }

    [Fact]
    public void AmbiguousArray_CanBeForcedToAnIndexList()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("t.txt"), "0,1");
        Assert.Equal(new[] { true, true }, GroundTruth.Load(dir.File("t.txt"), 2, "indices").Poisoned);
        Assert.Equal(new[] { false, true }, GroundTruth.Load(dir.File("t.txt"), 2).Poisoned);
    }

    [Theory]
    [InlineData("7", "index 7, outside the dataset's 5 samples")]
    [InlineData("1,1", "names sample 1 twice")]
    [InlineData("a", "holds 'a'")]
    [InlineData("0,0,1,0", "holds 4 values, all 0 or 1: a 0/1 indicator, but the dataset has 5 samples")]
    [InlineData("0,1,0,0,1,0", "holds 6 values, all 0 or 1")]
    public void BadTruth_IsRefusedWithTheReason(string text, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("t.txt"), text);
        Assert.Contains(expected, Assert.Throws<DataException>(() => GroundTruth.Load(dir.File("t.txt"), 5)).Message, StringComparison.Ordinal);
    }
}
