using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Compilation;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Compilation;

/// <summary>
/// The compiled filter's <c>flagged</c>, image by image, against the rule written out from the
/// compiled model's own outputs: the reference's suspicion, mean + 1·std over it, and each image's
/// suspicion against it, by mask size and class-relative (per predicted class).
/// </summary>
public sealed class CompiledFilterTests
{
    [Theory]
    [InlineData(SuspicionKind.MaskSize)]
    [InlineData(SuspicionKind.ClassRelative)]
    public void Flagged_IsTheRuleLearnedOnTheReference_ImageByImage(SuspicionKind kind)
    {
        using var dir = new TempDirectory();
        var sets = Path.Combine(RepositoryPaths.OnnxModels, "scansets");
        var reference = Images(Path.Combine(sets, "clean-images.npy"), 160);
        var data = Images(Path.Combine(sets, "badnets-images.npy"), 120);
        NpyFile.Write(dir.File("reference.npy"), NpyArray.Of(reference, 160, 1, 28, 28));
        var options = new CdOptions { Mode = kind == SuspicionKind.ClassRelative ? CdMode.Probs : CdMode.Logits, Steps = 20 };
        var compiled = CdCompiler.Compile(OnnxModel.Load(Path.Combine(RepositoryPaths.OnnxModels, "fmnist-badnets.onnx")), options, [1, 1, 28, 28], CompiledNoise.Seeds, "sha");
        using var source = DatasetSource.Open(dir.File("reference.npy"), "auto", new ImageSpec(1, 28, 28));

        var rule = CompiledFilter.Learn(compiled, source, "reference.npy", ThresholdRule.Parse("reference", 1.0), kind, new ExecutionOptions(), batchSize: 64);
        using var session = new InferenceSession(CompiledFilter.AddFlag(compiled, rule).ToBytes());
        var (referenceL1, referencePredicted, referenceFlagged) = Run(session, reference);
        var (l1, predicted, flagged) = Run(session, data);

        var classes = kind == SuspicionKind.ClassRelative ? referencePredicted : null;
        var referenceSuspicion = Suspicion.Compute(kind, referenceL1, classes);
        var threshold = referenceSuspicion.Average() + Math.Sqrt(referenceSuspicion.Sum(s => Math.Pow(s - referenceSuspicion.Average(), 2)) / (referenceSuspicion.Length - 1));
        var scales = Suspicion.ClassScales(referenceL1, classes);
        var pooled = Suspicion.ClassScales(referenceL1, null)[0];
        var suspicion = l1.Select((v, i) => kind == SuspicionKind.MaskSize ? -v : scales.GetValueOrDefault(predicted[i], pooled) - Suspicion.LogL1(v)).ToArray();

        Assert.Equal(threshold, rule.Threshold.Value, Math.Abs(threshold) * 1e-12);
        Assert.Equal(referenceSuspicion.Select(s => s > threshold), referenceFlagged);
        Assert.Equal(rule.ReferenceFlagged, referenceFlagged.LongCount(f => f));
        Assert.Equal(suspicion.Select(s => s > threshold), flagged);
        Assert.Contains(true, flagged);
        Assert.Contains(false, flagged);
        Assert.Equal(kind == SuspicionKind.MaskSize ? 1 : 10, rule.Cutoffs.Length);
    }

    [Fact]
    public void ACompiledModelWithTheNoiseInput_IsRefused_BecauseTheFilterLearnsWithSeeds()
    {
        using var dir = new TempDirectory();
        var compiled = CdCompiler.Compile(ShippedSamples.Model(), new CdOptions { Steps = 2 }, [1, 1, 28, 28], CompiledNoise.Input, "sha");
        using var source = DatasetSource.Open(ShippedSamples.ImagesPath, "auto", new ImageSpec(1, 28, 28));

        var error = Assert.Throws<ArgumentException>(() => CompiledFilter.Learn(compiled, source, "reference.npy", ThresholdRule.Parse("reference", 1.0), SuspicionKind.MaskSize, new ExecutionOptions(), 16));

        Assert.Contains("'seed' input", error.Message, StringComparison.Ordinal);
    }

    private static float[] Images(string path, int count) => NpyFile.Read(path).Bytes[..(count * 784)].Select(b => b / 255f).ToArray();

    /// <summary>l1, the predicted class and flagged of each image, with seed = its index.</summary>
    private static (double[] L1, long[] Predicted, bool[] Flagged) Run(InferenceSession session, float[] images)
    {
        var count = images.Length / 784;
        using var results = session.Run(new RunOptions(), [CompiledNames.Images, CompiledNames.Seed],
            [OrtValue.CreateTensorValueFromMemory(images, [count, 1, 28, 28]), OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, count).Select(i => (long)i).ToArray(), [count])],
            [CompiledNames.L1, CompiledNames.Logits, CompiledNames.Flagged]);
        var logits = results[1].GetTensorDataAsSpan<float>().ToArray();
        var predicted = Enumerable.Range(0, count).Select(i => (long)Array.IndexOf(logits, logits.Skip(i * 10).Take(10).Max(), i * 10) - (i * 10)).ToArray();
        return (results[0].GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray(), predicted, results[2].GetTensorDataAsSpan<bool>().ToArray());
    }
}
