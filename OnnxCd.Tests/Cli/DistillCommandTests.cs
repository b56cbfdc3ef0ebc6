using System.Text.Json;
using OnnxCd.Runtime.Data;
using OnnxCd.Tests.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace OnnxCd.Tests.Cli;

public sealed class DistillCommandTests
{
    [Fact]
    public void Distill_WritesMasksScoresManifestAndPictures()
    {
        using var dir = new TempDirectory();
        var (code, output, log) = CliRunner.Run("distill", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, "--steps", "10", "--png", "--out", dir.Path, "--device", "cpu");

        Assert.True(code == 0, log);
        Assert.Contains("Mask L1", output, StringComparison.Ordinal);
        var masks = NpyFile.Read(dir.File("masks.npy"));
        var l1 = NpyFile.Read(dir.File("l1.npy"));
        Assert.Equal(new long[] { 16, 1, 28, 28 }, masks.Shape);
        Assert.Equal(new long[] { 16 }, l1.Shape);
        Assert.Equal(masks.Floats[..784].Sum(), l1.Floats[0], 0.01);
        Assert.Equal(32, Directory.GetFiles(Path.Combine(dir.Path, "png"), "*.png").Length);
        using var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("distill.json")));
        Assert.Equal("logits", manifest.RootElement.GetProperty("mode").GetString());
        Assert.Equal(10, manifest.RootElement.GetProperty("steps").GetInt32());
        Assert.Equal(0.01, manifest.RootElement.GetProperty("alpha").GetDouble());
        Assert.Equal("CPUExecutionProvider", manifest.RootElement.GetProperty("provider").GetString());
    }

    [Fact]
    public void ImageFile_IsConvertedToTheModelsChannelsAndSize()
    {
        using var dir = new TempDirectory();
        using (var image = new Image<Rgb24>(40, 30))
        {
            for (var y = 0; y < 30; y++)
            {
                for (var x = 0; x < 40; x++)
                {
                    image[x, y] = new Rgb24((byte)(x * 6), (byte)(y * 8), 128);
                }
            }

            image.SaveAsPng(dir.File("photo.png"));
        }

        var (code, _, log) = CliRunner.Run("distill", "--model", ShippedSamples.ModelPath, "--input", dir.File("photo.png"), "--steps", "5", "--out", dir.File("out"), "--device", "cpu");

        Assert.True(code == 0, log);
        Assert.Equal(new long[] { 1, 1, 28, 28 }, NpyFile.Read(dir.File("out/masks.npy")).Shape);
        Assert.True(File.Exists(dir.File("out/png/00000_mask.png")));
        Assert.True(File.Exists(dir.File("out/png/00000_pattern.png")));
    }

    [Fact]
    public void CorruptImage_Exits4_NamingTheFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("broken.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4, 5]);

        var (code, _, log) = CliRunner.Run("distill", "--model", ShippedSamples.ModelPath, "--input", dir.File("broken.png"), "--out", dir.File("out"), "--device", "cpu");

        Assert.Equal(4, code);
        Assert.Contains("broken.png", log, StringComparison.Ordinal);
    }

    [Fact]
    public void PixelsOutsideZeroToOne_Exit4()
    {
        using var dir = new TempDirectory();
        var values = new float[2 * 784];
        values[900] = 2f;
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(values, 2, 1, 28, 28));

        var (code, _, log) = CliRunner.Run("distill", "--model", ShippedSamples.ModelPath, "--input", dir.File("x.npy"), "--out", dir.File("out"), "--device", "cpu");

        Assert.Equal(4, code);
        Assert.Contains("Image 1 has value 2 at element 116", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--mode", "saliency", "use logits, probs or features")]
    [InlineData("--steps", "0", "--steps 0 is not valid; it must be an integer of at least 1")]
    [InlineData("--mean", "0.5", "--mean and --std go together")]
    [InlineData("--alpha", "-1", "--alpha -1 is not valid")]
    public void BadOptions_Exit2_WithTheValidValues(string option, string value, string expected)
    {
        var (code, _, log) = CliRunner.Run("distill", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, option, value, "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains(expected, log, StringComparison.Ordinal);
    }

    [Fact]
    public void NoiseFile_OverridesTheSeed()
    {
        using var dir = new TempDirectory();
        var random = new Random(9);
        NpyFile.Write(dir.File("noise.npy"), NpyArray.Of(Enumerable.Range(0, 5 * 16).Select(_ => (float)random.NextDouble()).ToArray(), 5, 16, 1));
        float[] Run(string seed, string folder)
        {
            var (code, _, log) = CliRunner.Run("distill", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, "--steps", "5", "--noise", dir.File("noise.npy"), "--seed", seed, "--out", dir.File(folder), "--device", "cpu");
            Assert.True(code == 0, log);
            return NpyFile.Read(dir.File($"{folder}/masks.npy")).Floats;
        }

        Assert.Equal(Run("1", "a"), Run("2", "b"));
    }
}
