using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Distillation;

public sealed class CognitiveDistillerTests
{
    [Theory]
    [InlineData(CdMode.Logits)]
    [InlineData(CdMode.Features)]
    public void BatchSizes_1_7_64_GiveTheSameMasks(CdMode mode)
    {
        var (images, shape) = ShippedSamples.Many(70);
        float[] Run(int batchSize)
        {
            using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Mode = mode, Steps = 30 }, shape, new ExecutionOptions(), batchSize);
            return cd.Distill(images, shape).Masks;
        }

        var reference = Run(64);
        Assert.Equal(reference, Run(7), (a, b) => Math.Abs(a - b) <= 1e-6);
        Assert.Equal(reference, Run(1), (a, b) => Math.Abs(a - b) <= 1e-6);
    }

    /// <summary>
    /// In probability mode the gradients are small, close to Adam's ε, so its steps are no longer
    /// sign-like and pass on the last-bit differences of ONNX Runtime's kernels between batch shapes
    /// (2e-5 in a mask after one step); over 30 steps about one sample in seven moves by more than
    /// 1e-4 in L1 (measured: at most 4.4e-3), the median sample not at all. Same batch size: identical.
    /// </summary>
    [Fact]
    public void ProbabilityMode_DependsOnTheBatchSizeOnlyInTheLastBits()
    {
        var (images, shape) = ShippedSamples.Many(70);
        CdResult Run(int batchSize)
        {
            using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Mode = CdMode.Probs, Steps = 30 }, shape, new ExecutionOptions(), batchSize);
            return cd.Distill(images, shape);
        }

        var reference = Run(64);
        Assert.Equal(reference.Masks, Run(64).Masks);
        foreach (var other in new[] { Run(7), Run(1) })
        {
            var relative = reference.L1.Zip(other.L1, (a, b) => Math.Abs(a - b) / a).Order().ToArray();
            Assert.True(relative[relative.Length / 2] <= 1e-6, $"median relative L1 difference {relative[relative.Length / 2]:E2}");
            Assert.True(relative[^1] <= 1e-2, $"largest relative L1 difference {relative[^1]:E2}");
        }
    }

    [Fact]
    public void SameSeed_GivesIdenticalResults_AndAnotherSeedDoesNot()
    {
        var (images, shape) = ShippedSamples.Images();
        CdResult Run(ulong seed)
        {
            using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Seed = seed, Steps = 30 }, shape, new ExecutionOptions());
            return cd.Distill(images, shape);
        }

        var first = Run(5);
        var second = Run(5);
        Assert.Equal(first.Masks, second.Masks);
        Assert.Equal(first.L1, second.L1);
        Assert.NotEqual(first.Masks, Run(6).Masks);
    }

    [Fact]
    public void FirstSample_SelectsTheNoise_SoASliceMatchesTheWholeRun()
    {
        var (images, shape) = ShippedSamples.Images();
        using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Steps = 30 }, shape, new ExecutionOptions());
        var whole = cd.Distill(images, shape);
        var slice = cd.Distill(images[(10 * 784)..(14 * 784)], [4, 1, 28, 28], firstSample: 10);

        Assert.Equal(whole.Masks[(10 * 784)..(14 * 784)], slice.Masks, (a, b) => Math.Abs(a - b) <= 1e-6);
        Assert.Equal(whole.L1[10..14], slice.L1);
    }

    [Fact]
    public void Result_HasTheDocumentedShapesAndScores()
    {
        var (images, shape) = ShippedSamples.Images();
        using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Steps = 5 }, shape, new ExecutionOptions(), batchSize: 5);
        var result = cd.Distill(images, shape);

        Assert.Equal(new long[] { 16, 1, 28, 28 }, result.MaskShape);
        Assert.All(result.Masks, m => Assert.InRange(m, 0f, 1f));
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(result.Masks[(i * 784)..((i + 1) * 784)].Sum(), result.L1[i], 0.01);
        }
    }

    [Theory]
    [InlineData(CdMode.Logits)]
    [InlineData(CdMode.Features)]
    public void Predicted_IsTheModelsClassForTheUnmaskedImage(CdMode mode)
    {
        var (images, shape) = ShippedSamples.Images();
        using var forward = new OrtRun(ShippedSamples.Model());
        var logits = forward.Run(new Dictionary<string, (double[], long[], Onnx.TensorProto.Types.DataType)> { ["input"] = (images.Select(v => (double)v).ToArray(), shape, Onnx.TensorProto.Types.DataType.Float) }, ["logits"])["logits"].Values;
        var expected = Enumerable.Range(0, 16).Select(i => (long)Array.IndexOf(logits[(i * 10)..((i + 1) * 10)], logits[(i * 10)..((i + 1) * 10)].Max())).ToArray();
        using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Mode = mode, Steps = 1 }, shape, new ExecutionOptions(), batchSize: 5);

        Assert.Equal(expected, cd.Distill(images, shape).Predicted);
    }

    [Fact]
    public void PixelsOutsideZeroToOne_AreRefusedWithTheirPlace()
    {
        var (images, shape) = ShippedSamples.Images();
        images[(3 * 784) + 5] = 1.5f;
        using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Steps = 1 }, shape, new ExecutionOptions());

        var error = Assert.Throws<DataException>(() => cd.Distill(images, shape));

        Assert.Contains("Image 3 has value 1.5 at element 5", error.Message, StringComparison.Ordinal);
        Assert.Contains(Setting.Normalisation, SettingsNamed.In(error));
    }

    [Fact]
    public void NoImages_IsADataError()
    {
        using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Steps = 1 }, [1, 1, 28, 28], new ExecutionOptions());
        Assert.Contains("no images", Assert.Throws<DataException>(() => cd.Distill([], [0, 1, 28, 28])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoiseFileWithTooFewSamples_IsRefused()
    {
        var (images, shape) = ShippedSamples.Images();
        var noise = NoiseSource.FromArray(NpyArray.Of(new float[100 * 8], 100, 8, 1), "n.npy");
        using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions(), shape, new ExecutionOptions(), noise: noise);

        Assert.Throws<DataException>(() => cd.Distill(images, shape));
    }
}
