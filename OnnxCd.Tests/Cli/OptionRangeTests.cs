using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

/// <summary>Impossible option values are refused before any work, with exit 2 and the valid range or values.</summary>
public sealed class OptionRangeTests
{
    public static TheoryData<string, string, string> ScanOptions => new()
    {
        { "--steps", "-5", "--steps -5 is not valid; it must be an integer of at least 1" },
        { "--steps", "0", "--steps 0 is not valid" },
        { "--batch-size", "0", "from 1 to" },
        { "--batch-size", "-3", "from 1 to" },
        { "--threads", "-1", "0 (automatic) or a positive count" },
        { "-k", "-1", "k" },
        { "--threshold", "quantile", "" },
        { "--device", "tpu", "cpu" },
        { "--device", "cuda:-1", "cuda" },
        { "--cudnn-search", "fastest", "--cudnn-search fastest is not valid; it must be exhaustive, heuristic or default" },
        { "--cudnn-search", "1", "--cudnn-search 1 is not valid" },
        { "--sessions", "0", "--sessions 0 is out of range; give an integer from 1 to 256" },
        { "--device", "cuda:0,0", "names cuda:0 twice" },
        { "--device", "cpu,cuda:1", "names more than CUDA devices" },
        { "--shard", "3/2", "0 ≤ i < n" },
        { "--shard", "0/0", "0 ≤ i < n" },
        { "--shard", "a/b", "i/n" },
        { "--lr", "0", "--lr 0 is not valid; it must be a positive number" },
        { "--lr", "NaN", "--lr NaN is not valid" },
        { "--alpha", "-0.1", "--alpha -0.1 is not valid; it must be a number of at least 0" },
        { "--beta", "-1", "--beta -1 is not valid" },
        { "--eps", "0", "--eps 0 is not valid" },
        { "--eps", "Infinity", "--eps Infinity is not valid" },
        { "--unlearn", "1.5", "fractions in (0, 1)" },
        { "--safe", "0", "fractions in (0, 1)" },
        { "--input-size", "0x5", "HxW with positive integers" },
        { "--mode", "saliency", "logits, probs or features" },
        { "--format", "csv", "auto, folder, npy, idx or cifar" },
        { "--truth-kind", "maybe", "auto, indices or indicator" },
        { "--target-lift", "maybe", "--target-lift maybe is not valid; it must be on or off" },
        { "--feature-split", "yes", "--feature-split yes is not valid; it must be on or off" },
        { "--probe-memory", "12X", "--probe-memory '12X' is not valid; give a size such as 8G" },
        { "--probe-memory", "0", "--probe-memory '0' is not valid" },
        { "--probe-memory", "-1G", "--probe-memory '-1G' is not valid" },
    };

    [Theory]
    [MemberData(nameof(ScanOptions))]
    public void Scan_RefusesImpossibleValues_WithTheValidRange(string option, string value, string expected)
    {
        using var dir = new TempDirectory();
        string[] extra = option == "--threshold" ? [option, value, "-k", "2"] : [option, value];
        string[] steps = option == "--steps" ? [] : ["--steps", "2"];

        var (code, _, log) = CliRunner.Run(["scan", "--model", ShippedSamples.ModelPath, "--data", ShippedSamples.ImagesPath, "--out", dir.File("out"), .. steps, .. extra]);

        Assert.True(code == 2, $"{option} {value}: exit {code}: {log}");
        Assert.Contains(expected, log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("out/journal.csv")), "work started before the options were checked");
    }

    public static TheoryData<string[], string> OtherVerbs => new()
    {
        { ["distill", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, "--batch-size", "0"], "--batch-size 0 is out of range; give an integer from 1" },
        { ["distill", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, "--device", "gpu7"], "cuda:<index>" },
        { ["bench", "--model", ShippedSamples.ModelPath, "--batch-sizes", "4,-2"], "--batch-sizes" },
        { ["bench", "--model", ShippedSamples.ModelPath, "--cudnn-search", "none"], "--cudnn-search none is not valid" },
        { ["bench", "--model", ShippedSamples.ModelPath, "--sessions", "-2"], "--sessions -2 is out of range" },
        { ["distill", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, "--device", "cuda:0,1"], "Unknown device 'cuda:0,1'" },
        { ["bench", "--model", ShippedSamples.ModelPath, "--repeat", "0"], "--repeat 0 is out of range; give an integer from 1 to 1000" },
        { ["compile", "--model", ShippedSamples.ModelPath, "--out", "unused.onnx", "--max-batch-size", "0"], "--max-batch-size 0 is out of range" },
        { ["compile", "--model", ShippedSamples.ModelPath, "--out", "unused.onnx", "--target", "gpu"], "--target gpu is not valid; it must be any, cpu or cuda" },
        { ["merge", "--out", "unused", "--unlearn", "2", "a", "b"], "fractions in (0, 1)" },
        { ["inspect", ShippedSamples.ModelPath, "--probe-memory", "lots"], "--probe-memory 'lots' is not valid" },
        { ["vjp", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, "--cotangent", "c.npy", "--out", "g.npy", "--batch-size", "-1"], "--batch-size -1 is out of range" },
    };

    [Theory]
    [MemberData(nameof(OtherVerbs))]
    public void OtherVerbs_RefuseImpossibleValues_WithTheValidRange(string[] args, string expected)
    {
        var (code, _, log) = CliRunner.Run(args);

        Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {log}");
        Assert.Contains(expected, log, StringComparison.Ordinal);
    }
}
