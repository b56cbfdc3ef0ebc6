using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

/// <summary>
/// Every verb that loads a model judges its shape probe's memory before running it: beyond
/// <c>--probe-memory</c> the model is refused with exit 3 and the sizes, before any output is written.
/// </summary>
public sealed class ProbeMemoryTests
{
    /// <summary>The shipped model's probe holds 362 KiB (12 tensors at batch 2); 100K is too little for it.</summary>
    public static TheoryData<string[]> Verbs => new()
    {
        { ["inspect", ShippedSamples.ModelPath] },
        { ["distill", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, "--steps", "2"] },
        { ["scan", "--model", ShippedSamples.ModelPath, "--data", ShippedSamples.ImagesPath, "--steps", "2"] },
        { ["compile", "--model", ShippedSamples.ModelPath, "--steps", "2"] },
        { ["bench", "--model", ShippedSamples.ModelPath, "--steps", "2", "--batch-sizes", "1", "--repeat", "1"] },
        { ["vjp", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, "--cotangent", Path.Combine(RepositoryPaths.OnnxModels, "samples", "fmnist-test-16-onehot.npy")] },
        { ["predict", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void ModelBeyondTheLimit_IsRefusedBeforeAnyOutput(string[] args)
    {
        using var dir = new TempDirectory();
        var verb = args[0];
        string[] output = verb switch
        {
            "inspect" or "bench" => [],
            "compile" or "vjp" or "predict" => ["--out", dir.File("out.bin")],
            _ => ["--out", dir.File("out")],
        };

        var (code, text, log) = CliRunner.Run([.. args, .. output, "--probe-memory", "100K"]);

        Assert.True(code == 3, $"{verb}: exit {code}: {log}");
        Assert.Contains("would hold 362 KiB (input 'input' [2,1,28,28] (declared [batch,1,28,28]); 12 tensors", text + log, StringComparison.Ordinal);
        Assert.Contains("over the limit of 100 KiB", text + log, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void RaisingTheLimit_LetsTheSameModelRun()
    {
        var (code, text, log) = CliRunner.Run("inspect", ShippedSamples.ModelPath, "--probe-memory", "362K");

        Assert.True(code == 0, log);
        Assert.Contains("probe (batch 1 and 2)", text, StringComparison.Ordinal);
    }
}
