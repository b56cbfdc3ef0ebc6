using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Detection;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Detection;

public sealed class MaskShapesTests
{
    /// <summary>Five 1×2 masks: three along the first pixel (one at a lower level), one along the second, one empty.</summary>
    private static NpyRowReader Masks(TempDirectory dir)
    {
        NpyFile.Write(dir.File("masks.npy"), NpyArray.Of(new byte[] { 255, 0, 0, 255, 255, 0, 100, 0, 0, 0 }, 5, 1, 1, 2));
        return new NpyRowReader(dir.File("masks.npy"));
    }

    [Fact]
    public void Distance_IsFromTheClassMeanOfUnitMasks()
    {
        using var dir = new TempDirectory();
        using var masks = Masks(dir);

        // Class 0: unit masks (1,0), (0,1), (1,0), mean (2/3, 1/3). Class 1: (1,0) alone, its own mean.
        var distances = MaskShapes.Distances(masks, [0, 1, 2, 3], [0, 0, 0, 1]);

        Assert.Equal(Math.Sqrt(2) / 3, distances[0], 12);
        Assert.Equal(2 * Math.Sqrt(2) / 3, distances[1], 12);
        Assert.Equal(Math.Sqrt(2) / 3, distances[2], 12);
        Assert.Equal(0, distances[3], 12);
    }

    [Fact]
    public void Shape_NotSize_Counts_AndAnEmptyMaskStaysZero()
    {
        using var dir = new TempDirectory();
        using var masks = Masks(dir);

        // One class, rows out of file order: units (1,0), (1,0) [the level-100 mask], (0,0); mean (2/3, 0).
        var distances = MaskShapes.Distances(masks, [3, 0, 4], null);

        Assert.Equal(1.0 / 3, distances[0], 12);
        Assert.Equal(distances[0], distances[1], 12);
        Assert.Equal(2.0 / 3, distances[2], 12);
    }

    [Fact]
    public void MismatchedClassesOrARowOutsideTheFile_AreRefused()
    {
        using var dir = new TempDirectory();
        using var masks = Masks(dir);

        Assert.Contains("2 classes for 3 masks", Assert.Throws<ArgumentException>(() => MaskShapes.Distances(masks, [0, 1, 2], [0, 1])).Message, StringComparison.Ordinal);
        Assert.Contains("Row 5 lies outside the 5 masks", Assert.Throws<ArgumentException>(() => MaskShapes.Distances(masks, [0, 5], null)).Message, StringComparison.Ordinal);
    }
}
