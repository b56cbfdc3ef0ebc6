using OnnxCd.Runtime.Data;
using OnnxCd.Tests.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Cli;

/// <summary>
/// The memory of a scan stays bounded when the dataset holds the largest image allowed and a
/// decompression bomb: measured as the peak resident memory of a real onnxcd process.
/// </summary>
public sealed class ScanMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void LargestAllowedImage_AndABomb_CostAtMostOneDecodedImage()
    {
        using var dir = new TempDirectory();
        foreach (var folder in new[] { "small", "huge" })
        {
            Directory.CreateDirectory(dir.File(folder));
            for (var i = 0; i < 3; i++)
            {
                File.WriteAllBytes(dir.File($"{folder}/small{i}.png"), HostileImages.SolidPng(28, 28));
            }
        }

        var side = (int)Math.Sqrt(ImageFile.MaxPixels);
        using (var huge = new Image<Rgb24>(side, side, new Rgb24(40, 160, 220)))
        {
            huge.SaveAsPng(dir.File("huge/largest-allowed.png"));
        }

        HostileImages.Write(dir.File("bombs")).ToList();
        File.Copy(dir.File("bombs/bomb.png"), dir.File("huge/bomb.png"));

        var (smallCode, smallPeak) = CliProcess.RunMeasuringPeak(Scan(dir.File("small"), dir.File("small-out")));
        var (hugeCode, hugePeak) = CliProcess.RunMeasuringPeak(Scan(dir.File("huge"), dir.File("huge-out")));

        Assert.Equal(0, smallCode);
        Assert.Equal(0, hugeCode);
        Assert.Equal(4, File.ReadLines(dir.File("huge-out/scores.csv")).Count() - 1);
        var decoded = 3L * ImageFile.MaxPixels;
        output.WriteLine($"peak {smallPeak >> 20} MiB without the {side}×{side} image, {hugePeak >> 20} MiB with it; one decoded RGB image is {decoded >> 20} MiB");
        // The decoder holds the image as 3 bytes a pixel; resizing adds a small fraction of that. 1.5× leaves room for the runtime's own growth.
        Assert.True(hugePeak - smallPeak <= decoded * 3 / 2, $"the huge image cost {(hugePeak - smallPeak) >> 20} MiB");
    }

    private static string[] Scan(string data, string folder) =>
        ["scan", "--model", ShippedSamples.ModelPath, "--data", data, "--steps", "3", "--device", "cpu", "--threads", "1", "--out", folder];
}
