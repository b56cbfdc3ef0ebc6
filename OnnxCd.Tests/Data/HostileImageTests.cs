using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Data;

/// <summary>Every hostile or unusual image file is decoded correctly, or listed as a sample that cannot be read, with its reason.</summary>
public sealed class HostileImageTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void EveryFile_IsDecodedCorrectly_OrSkippedWithItsReason(int channels)
    {
        using var dir = new TempDirectory();
        var cases = HostileImages.Write(dir.Path);

        using var source = DatasetSource.Open(dir.Path, "auto", new ImageSpec(channels, 8, 8));
        var samples = source.Read(0, source.Count).ToList();

        Assert.False(source.HasLabels);
        Assert.Equal(cases.Select(c => c.Name), samples.Select(s => s.Id));
        foreach (var (expected, sample) in cases.Zip(samples))
        {
            if (expected.Rgb is { } rgb)
            {
                Assert.True(sample.Error is null, $"{expected.Name}: {sample.Error}");
                var want = channels == 3 ? rgb : [(0.299f * rgb[0]) + (0.587f * rgb[1]) + (0.114f * rgb[2])];
                for (var c = 0; c < channels; c++)
                {
                    Assert.All(sample.Pixels!.AsSpan(c * 64, 64).ToArray(), v => Assert.True(Math.Abs(v - want[c]) <= expected.Tolerance, $"{expected.Name} channel {c}: {v} vs {want[c]}"));
                }
            }
            else
            {
                Assert.True(sample.Pixels is null, $"{expected.Name} was decoded");
                Assert.Contains(expected.Reason!, sample.Error, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void ImageFolder_ListsStrayFilesAndImageNamedFolders_InsteadOfDroppingThem()
    {
        using var dir = new TempDirectory();
        var png = HostileImages.SolidPng(4, 4);
        foreach (var file in new[] { "cat/a.png", "cat/photo.jpg/b.png", "dog/c.png", "stray.png", "top.png/d.png" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir.File(file))!);
            File.WriteAllBytes(dir.File(file), png);
        }

        using var source = DatasetSource.Open(dir.Path, "auto", new ImageSpec(3, 4, 4));
        var samples = source.Read(0, source.Count).ToList();

        Assert.Equal(["cat", "dog"], source.ClassNames!);
        Assert.Equal(["cat/a.png", "cat/photo.jpg", "cat/photo.jpg/b.png", "dog/c.png", "stray.png", "top.png"], samples.Select(s => s.Id));
        Assert.Equal(new long?[] { 0, 0, 0, 1, null, null }, samples.Select(s => s.Label));
        Assert.Equal([true, false, true, true, false, false], samples.Select(s => s.Pixels is not null));
        Assert.Contains("a directory, not an image file", samples[1].Error, StringComparison.Ordinal);
        Assert.Contains("beside the class folders", samples[4].Error, StringComparison.Ordinal);
        Assert.Contains("a directory, not an image file", samples[5].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LinkedFolders_AreListedNotFollowed_SoALoopCannotRepeatFiles()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("cat"));
        File.WriteAllBytes(dir.File("cat/a.png"), HostileImages.SolidPng(4, 4));
        Directory.CreateSymbolicLink(dir.File("cat/loop"), dir.Path);
        File.CreateSymbolicLink(dir.File("cat/link.png"), dir.File("cat/a.png"));
        File.CreateSymbolicLink(dir.File("cat/dangling.png"), dir.File("nowhere.png"));

        using var source = DatasetSource.Open(dir.Path, "auto", new ImageSpec(3, 4, 4));
        var samples = source.Read(0, source.Count).ToList();

        Assert.Equal(["cat/a.png", "cat/dangling.png", "cat/link.png", "cat/loop"], samples.Select(s => s.Id));
        Assert.Equal([true, false, true, false], samples.Select(s => s.Pixels is not null));
        Assert.Contains("Cannot read image", samples[1].Error, StringComparison.Ordinal);
        Assert.Contains("a link to a folder, which is not followed", samples[3].Error, StringComparison.Ordinal);
    }
}
