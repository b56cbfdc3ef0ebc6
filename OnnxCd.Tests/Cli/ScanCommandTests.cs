using OnnxCd.Runtime.Data;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

public sealed class ScanCommandTests
{
    /// <summary>24 shipped-sample images as x.npy and a truth list (2 and 9 poisoned) as truth.txt.</summary>
    private static void WriteSamples(TempDirectory dir)
    {
        var (images, shape) = ShippedSamples.Many(24);
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(images, shape));
        File.WriteAllText(dir.File("truth.txt"), "2\n9\n");
    }

    [Fact]
    public void Scan_PrintsTheSummary_WithAuroc()
    {
        using var dir = new TempDirectory();
        WriteSamples(dir);

        var (code, output, log) = CliRunner.Run("scan", "--model", ShippedSamples.ModelPath, "--data", dir.File("x.npy"), "--truth", dir.File("truth.txt"), "--steps", "3", "--out", dir.File("out"), "--device", "cpu", "--threshold", "quantile", "--k", "0.25");

        Assert.True(code == 0, log);
        Assert.Contains("Scanned       24 of 24 samples", output, StringComparison.Ordinal);
        Assert.Contains("top 0.25 of 24 scanned suspicion scores", output, StringComparison.Ordinal);
        Assert.Contains("AUROC", output, StringComparison.Ordinal);
        Assert.Contains("scan: 24/24", log, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("out/report.html")));
    }

    [Fact]
    public void Detectors_ArePrinted_OneLineEach_WithTheirAuroc()
    {
        using var dir = new TempDirectory();
        WriteSamples(dir);

        var (code, output, log) = CliRunner.Run("scan", "--model", ShippedSamples.ModelPath, "--data", dir.File("x.npy"), "--truth", dir.File("truth.txt"), "--steps", "3", "--out", dir.File("out"), "--device", "cpu", "--detectors", "cd,strip,scaleup", "--strip-overlays", "4");

        Assert.True(code == 0, log);
        Assert.Matches(@"Detector      strip     AUROC \d\.\d{4}   AUPRC \d\.\d{4}   flagged +\d+   \d+\.\d s", output);
        Assert.Contains("Detector      scaleup", output, StringComparison.Ordinal);
        Assert.Contains("detector strip: 24/24", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_PrintsEveryShardsRun_NotTheLastOneAlone()
    {
        using var dir = new TempDirectory();
        var (images, shape) = ShippedSamples.Many(24);
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(images, shape));
        foreach (var shard in new[] { "0/2", "1/2" })
        {
            var (scanCode, _, scanLog) = CliRunner.Run("scan", "--model", ShippedSamples.ModelPath, "--data", dir.File("x.npy"), "--steps", "3", "--device", "cpu", "--shard", shard, "--out", dir.File($"shard{shard[0]}"));
            Assert.True(scanCode == 0, scanLog);
        }

        var (code, output, log) = CliRunner.Run("merge", "--out", dir.File("merged"), dir.File("shard0"), dir.File("shard1"));

        Assert.True(code == 0, log);
        Assert.Contains("Runs          2 (shards or resumed runs) scanned 24 samples in ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Run           ", output, StringComparison.Ordinal);
    }

    /// <summary>With a reference, its own threshold is the default only where the feature split is off: the split lifts and rescales the scan's suspicion, not the reference's.</summary>
    [Theory]
    [InlineData(new string[0], "of 24 scanned suspicion scores")]
    [InlineData(new[] { "--feature-split", "off" }, "of 24 clean reference suspicion scores")]
    [InlineData(new[] { "--mode", "logits" }, "of 24 clean reference suspicion scores")]
    [InlineData(new[] { "--threshold", "reference" }, "of 24 clean reference suspicion scores")]
    public void WithAReference_TheDefaultThreshold_IsTheReferencesOnlyWithoutTheFeatureSplit(string[] options, string expected)
    {
        using var dir = new TempDirectory();
        var (images, shape) = ShippedSamples.Many(24);
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(images, shape));

        var (code, output, log) = CliRunner.Run(["scan", "--model", ShippedSamples.ModelPath, "--data", dir.File("x.npy"), "--reference", dir.File("x.npy"), "--steps", "3", "--device", "cpu", "--out", dir.File("out"), .. options]);

        Assert.True(code == 0, log);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--threshold", "reference", "needs a clean reference dataset")]
    [InlineData("--shard", "3/2", "give i/n with 0 ≤ i < n")]
    [InlineData("--threshold", "zscore", "use mean-std, mad, quantile or reference")]
    [InlineData("--detectors", "cd,spectral", "--detectors 'spectral' is not a detector; use cd, ss, ac, strip, scaleup, combined")]
    [InlineData("--detectors", "strip", "--detectors 'strip' leaves out cd")]
    [InlineData("--strip-overlays", "0", "--strip-overlays")]
    public void BadOptions_Exit2(string option, string value, string expected)
    {
        var (code, _, log) = CliRunner.Run("scan", "--model", ShippedSamples.ModelPath, "--data", ShippedSamples.ImagesPath, option, value);

        Assert.Equal(2, code);
        Assert.Contains(expected, log, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingData_Exits4()
    {
        var (code, _, log) = CliRunner.Run("scan", "--model", ShippedSamples.ModelPath, "--data", "/nonexistent/data", "--device", "cpu");

        Assert.Equal(4, code);
        Assert.Contains("'/nonexistent/data' does not exist", log, StringComparison.Ordinal);
    }
}
