using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Detection;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Detection;

public sealed class MaskFamiliesTests
{
    /// <summary>A 4×4 mask lit (at <paramref name="level"/>) on the given pixels.</summary>
    private static byte[] Lit(byte level, params int[] pixels)
    {
        var mask = new byte[16];
        foreach (var p in pixels)
        {
            mask[p] = level;
        }

        return mask;
    }

    private static NpyRowReader Write(TempDirectory dir, IReadOnlyList<byte[]> masks)
    {
        NpyFile.Write(dir.File("masks.npy"), NpyArray.Of(masks.SelectMany(m => m).ToArray(), masks.Count, 1, 4, 4));
        return new NpyRowReader(dir.File("masks.npy"));
    }

    [Fact]
    public void Masks_OfThreeShapes_FallIntoThreeFamilies_WhateverTheirLevel_AndClassesNeverShareOne()
    {
        using var dir = new TempDirectory();
        // Class 0: three corner blobs (top-left, top-right, bottom-right), three masks each at different levels.
        // Class 1: the same three shapes once more.
        byte[][] shapes = [Lit(1, 0, 1, 4, 5), Lit(1, 2, 3, 6, 7), Lit(1, 10, 11, 14, 15)];
        var masks = new List<byte[]>();
        var truth = new List<int>();
        foreach (var level in new byte[] { 255, 120, 30 })
        {
            for (var s = 0; s < 3; s++)
            {
                masks.Add(shapes[s].Select(b => (byte)(b * level)).ToArray());
                truth.Add(s);
            }
        }

        masks.AddRange(shapes.Select(s => s.Select(b => (byte)(b * 200)).ToArray()));
        truth.AddRange([0, 1, 2]);
        using var reader = Write(dir, masks);
        var classes = Enumerable.Range(0, 12).Select(i => i < 9 ? 0L : 1L).ToList();

        var families = MaskFamilies.Assign(reader, Enumerable.Range(0, 12).Select(i => (long)i).ToList(), classes, 4, 4);

        for (var i = 0; i < 12; i++)
        {
            for (var j = 0; j < 12; j++)
            {
                Assert.Equal(classes[i] == classes[j] && truth[i] == truth[j], families[i] == families[j]);
            }
        }
    }

    [Fact]
    public void AClass_WithFewerDistinctMasksThanFamilies_IsOneFamily()
    {
        using var dir = new TempDirectory();
        using var reader = Write(dir, [Lit(255, 0), Lit(255, 0), Lit(255, 15), Lit(255, 15), Lit(255, 0)]);

        var families = MaskFamilies.Assign(reader, [0, 1, 2, 3, 4], null, 4, 4);

        Assert.All(families, f => Assert.Equal(families[0], f));
    }

    [Fact]
    public void MasksThatDoNotFitTheSize_AreRefused()
    {
        using var dir = new TempDirectory();
        using var reader = Write(dir, [Lit(255, 0)]);

        var error = Assert.Throws<ArgumentException>(() => MaskFamilies.Assign(reader, [0], null, 3, 4));

        Assert.Contains("3×4 pixels do not fit rows of 16 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LargeMasks_AreAveragedDownInBlocks_ToUnitNorm()
    {
        // 64×64, one lit 2×2 block at the top left: averaged in 2×2 blocks to 32×32, the first cell alone, at 1.
        var mask = new byte[64 * 64];
        mask[0] = mask[1] = mask[64] = mask[65] = 200;

        var unit = MaskFamilies.UnitDownsampled(mask, 64, 64);

        Assert.Equal(32 * 32, unit.Length);
        Assert.Equal(1f, unit[0], 6);
        Assert.All(unit.Skip(1), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void UnevenSides_KeepTheirLastPartialBlock()
    {
        // 33×1 in blocks of 2: 17 cells, the last one the 33rd pixel alone; an all-zero mask stays zero.
        var mask = new byte[33];
        mask[32] = 9;

        Assert.Equal(17, MaskFamilies.UnitDownsampled(mask, 33, 1).Length);
        Assert.Equal(1f, MaskFamilies.UnitDownsampled(mask, 33, 1)[16], 6);
        Assert.All(MaskFamilies.UnitDownsampled(new byte[33], 33, 1), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void FamilyMean_IsAddedToEachValue()
    {
        var smoothed = MaskFamilies.AddFamilyMean([1, 2, 3, 10], [7, 7, 2, 2]);

        Assert.Equal([2.5, 3.5, 9.5, 16.5], smoothed);
    }
}
