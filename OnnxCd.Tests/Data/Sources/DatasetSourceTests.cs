using System.IO.Compression;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Tests.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace OnnxCd.Tests.Data.Sources;

public sealed class DatasetSourceTests
{
    private static readonly ImageSpec s_grey = new(1, 4, 4);
    private static readonly ImageSpec s_rgb = new(3, 4, 4);

    [Fact]
    public void Npy_Float32Nchw_WithLabels_StreamsInOrder_AndRecordsOutOfRangeSamples()
    {
        using var dir = new TempDirectory();
        var values = Enumerable.Range(0, 3 * 16).Select(i => i / 100f).ToArray();
        values[16 + 5] = 1.5f;
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(values, 3, 1, 4, 4));
        NpyFile.Write(dir.File("y.npy"), NpyArray.Of(new long[] { 4, 5, 6 }, 3));

        using var source = DatasetSource.Open(dir.File("x.npy"), "auto", s_grey, dir.File("y.npy"));
        var samples = source.Read(0, 3).ToList();

        Assert.Equal(3, source.Count);
        Assert.True(source.HasLabels);
        Assert.Equal(new long?[] { 4, 5, 6 }, samples.Select(s => s.Label));
        Assert.Equal(values[..16], samples[0].Pixels);
        Assert.Null(samples[1].Pixels);
        Assert.Contains("value 1.5 at element 5", samples[1].Error, StringComparison.Ordinal);
        Assert.Equal(values[32..], samples[2].Pixels);
        Assert.Equal(samples[2].Pixels, source.Read(2, 3).Single().Pixels);
    }

    [Fact]
    public void Npy_UInt8Nhwc_IsScaledAndMovedToChannelsFirst_AndGreyFeedsRgbModels()
    {
        using var dir = new TempDirectory();
        var rgb = Enumerable.Range(0, 16 * 3).Select(i => (byte)i).ToArray();
        NpyFile.Write(dir.File("rgb.npy"), NpyArray.Of(rgb, 1, 4, 4, 3));
        NpyFile.Write(dir.File("grey.npy"), NpyArray.Of(Enumerable.Range(0, 16).Select(i => (byte)(i * 10)).ToArray(), 1, 4, 4));

        using var colour = DatasetSource.Open(dir.File("rgb.npy"), "npy", s_rgb);
        var pixels = colour.Read(0, 1).Single().Pixels!;
        Assert.Equal(0 / 255f, pixels[0]);
        Assert.Equal(1 / 255f, pixels[16]);
        Assert.Equal(3 / 255f, pixels[1]);

        using var grey = DatasetSource.Open(dir.File("grey.npy"), "npy", s_rgb);
        var replicated = grey.Read(0, 1).Single().Pixels!;
        Assert.Equal(replicated[..16], replicated[16..32]);
        Assert.Equal(50 / 255f, replicated[5]);
    }

    [Fact]
    public void Npy_WrongImageSize_OrLabelCount_IsRefused()
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(new byte[2 * 25], 2, 5, 5));
        NpyFile.Write(dir.File("ok.npy"), NpyArray.Of(new byte[2 * 16], 2, 4, 4));
        NpyFile.Write(dir.File("y.npy"), NpyArray.Of(new long[] { 1, 2, 3 }, 3));

        Assert.Contains("5×5 images but the model takes 4×4", Assert.Throws<DataException>(() => DatasetSource.Open(dir.File("x.npy"), "npy", s_grey)).Message, StringComparison.Ordinal);
        Assert.Contains("one label per image, shape [2]", Assert.Throws<DataException>(() => DatasetSource.Open(dir.File("ok.npy"), "npy", s_grey, dir.File("y.npy"))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_RawOrGzip_FindsItsLabelsBesideIt(bool gzip)
    {
        using var dir = new TempDirectory();
        var pixels = Enumerable.Range(0, 3 * 16).Select(i => (byte)(i * 5)).ToArray();
        var suffix = gzip ? ".gz" : string.Empty;
        WriteIdx(dir.File("t10k-images-idx3-ubyte" + suffix), [3, 4, 4], pixels, gzip);
        WriteIdx(dir.File("t10k-labels-idx1-ubyte" + suffix), [3], [7, 8, 9], gzip);

        Assert.Equal("idx", DatasetSource.Detect(dir.File("t10k-images-idx3-ubyte" + suffix)));
        using var source = DatasetSource.Open(dir.File("t10k-images-idx3-ubyte" + suffix), "auto", s_grey);
        var samples = source.Read(1, 3).ToList();

        Assert.Equal(new long?[] { 8, 9 }, samples.Select(s => s.Label));
        Assert.Equal(pixels[16..32].Select(b => b / 255f), samples[0].Pixels);
        Assert.Contains("labels from t10k-labels-idx1-ubyte", source.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Idx_BadMagicOrShortFile_IsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("bad"), [0, 0, 0x0D, 3, 0, 0, 0, 1]);
        WriteIdx(dir.File("short"), [10, 4, 4], new byte[20], gzip: false);

        Assert.Contains("element type 0x0D", Assert.Throws<DataException>(() => DatasetSource.Open(dir.File("bad"), "idx", s_grey)).Message, StringComparison.Ordinal);
        Assert.Contains("is short", Assert.Throws<DataException>(() => DatasetSource.Open(dir.File("short"), "idx", s_grey)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cifar_ReadsRecordsInFileOrder_AndReportsATruncatedRecord()
    {
        using var dir = new TempDirectory();
        byte[] Record(byte label, byte value) => [label, .. Enumerable.Repeat(value, 3072)];
        File.WriteAllBytes(dir.File("data_batch_1.bin"), [.. Record(3, 10), .. Record(4, 20)]);
        File.WriteAllBytes(dir.File("data_batch_2.bin"), [.. Record(5, 30), .. Record(6, 40).Take(100)]);
        var spec = new ImageSpec(3, 32, 32);

        Assert.Equal("cifar", DatasetSource.Detect(dir.Path));
        using var source = DatasetSource.Open(dir.Path, "cifar", spec);
        var samples = source.Read(0, source.Count).ToList();

        Assert.Equal(4, source.Count);
        Assert.Equal(new long?[] { 3, 4, 5, null }, samples.Select(s => s.Label));
        Assert.Equal("data_batch_2.bin#0", samples[2].Id);
        Assert.All(samples[2].Pixels!, v => Assert.Equal(30 / 255f, v));
        Assert.Contains("truncated CIFAR record: 100 of 3073 bytes", samples[3].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Folder_ImageFolderLayout_SortsClassesAndFiles_ConvertsAndResizes_AndRecordsBadFiles()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("cat"));
        Directory.CreateDirectory(dir.File("ant/sub"));
        SavePng(dir.File("cat/b.png"), 8, 6, 200);
        SavePng(dir.File("cat/a.png"), 4, 4, 100);
        SavePng(dir.File("ant/sub/z.png"), 4, 4, 50);
        File.WriteAllText(dir.File("ant/notes.txt"), "not an image");
        File.WriteAllBytes(dir.File("cat/broken.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        File.WriteAllText(dir.File("cat/.hidden.png"), "ignored");

        using var source = DatasetSource.Open(dir.Path, "auto", s_grey);
        var samples = source.Read(0, source.Count).ToList();

        Assert.Equal(["ant", "cat"], source.ClassNames!);
        Assert.Equal(["ant/notes.txt", "ant/sub/z.png", "cat/a.png", "cat/b.png", "cat/broken.png"], samples.Select(s => s.Id));
        Assert.Equal(new long?[] { 0, 0, 1, 1, 1 }, samples.Select(s => s.Label));
        Assert.Contains("not an allowed image type (.txt)", samples[0].Error, StringComparison.Ordinal);
        Assert.All(samples[3].Pixels!, v => Assert.Equal(200 / 255f, v, 0.01f));
        Assert.Equal(16, samples[3].Pixels!.Length);
        Assert.Contains("broken.png", samples[4].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Folder_Flat_HasNoLabels()
    {
        using var dir = new TempDirectory();
        SavePng(dir.File("1.png"), 4, 4, 10);
        SavePng(dir.File("0.png"), 4, 4, 20);

        using var source = DatasetSource.Open(dir.Path, "folder", s_rgb);

        Assert.False(source.HasLabels);
        Assert.Equal(["0.png", "1.png"], source.Read(0, 2).Select(s => s.Id));
    }

    [Fact]
    public void UnknownFormat_ListsTheFormats()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), "1,2,3");
        var error = Assert.Throws<DataException>(() => DatasetSource.Open(dir.File("data.csv"), "auto", s_grey));
        Assert.Contains("image folders", error.Message, StringComparison.Ordinal);
        Assert.Contains(Setting.Format, SettingsNamed.In(error));
    }

    private static void SavePng(string path, int width, int height, byte grey)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(grey, grey, grey));
        image.SaveAsPng(path);
    }

    private static void WriteIdx(string path, int[] dims, byte[] data, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write([0, 0, 0x08, (byte)dims.Length]);
        foreach (var d in dims)
        {
            stream.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        }

        stream.Write(data);
    }
}
