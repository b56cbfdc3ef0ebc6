using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OnnxCd.Runtime.Compilation;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Compilation;

public sealed class CdCompilerTests
{
    [Theory]
    [InlineData(CdMode.Logits)]
    [InlineData(CdMode.Features)]
    [InlineData(CdMode.Probs)]
    public void CompiledModel_WithTheSameNoise_GivesTheMasksOfTheStepLoop(CdMode mode)
    {
        var model = ShippedSamples.Model();
        var (images, shape) = ShippedSamples.Images();
        var options = new CdOptions { Mode = mode, Steps = 20 };
        var noise = RandomNoise(options.Steps, (int)shape[0], 1, seed: 3);
        // One batch, as the compiled model runs: in probability mode the kernels' last bits depend on the
        // batch size (1.5e-6 after one step at batch 5 against 16), and Adam's near-sign steps can grow that.
        using var distiller = CognitiveDistiller.Create(model, options, shape, new ExecutionOptions(), batchSize: (int)shape[0], noise: NoiseSource.FromArray(noise, "noise"));
        var expected = distiller.Distill(images, shape);

        var compiled = CdCompiler.Compile(model, options, shape, CompiledNoise.Input, "sha");
        using var session = new InferenceSession(compiled.ToBytes());
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor(CompiledNames.Images, new DenseTensor<float>(images, shape.Select(d => (int)d).ToArray())),
            NamedOnnxValue.CreateFromTensor(CompiledNames.Noise, new DenseTensor<float>(noise.Floats, noise.Shape.Select(d => (int)d).ToArray()))]);
        var outputs = results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());

        AssertClose(expected.L1, outputs[CompiledNames.L1], 1e-4, "l1");
        AssertClose(expected.Masks, outputs[CompiledNames.Mask], 1e-4, "mask");
        var logits = outputs[CompiledNames.Logits];
        Assert.Equal(shape[0] * 10, logits.Length);
        Assert.Equal(expected.Predicted, Enumerable.Range(0, (int)shape[0]).Select(i => (long)ArgMax(logits.AsSpan(i * 10, 10))));
    }

    private static NpyArray RandomNoise(int steps, int samples, int channels, int seed)
    {
        var random = new Random(seed);
        return NpyArray.Of(Enumerable.Range(0, steps * samples * channels).Select(_ => (float)random.NextDouble()).ToArray(), steps, samples, channels);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var k = 1; k < row.Length; k++)
        {
            best = row[k] > row[best] ? k : best;
        }

        return best;
    }

    private static void AssertClose(float[] expected, float[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (a, b) => Math.Abs(a - b) / Math.Max(Math.Abs(a), 1e-3)).Max();
        Assert.True(worst <= relative, $"{what}: largest relative difference {worst:E2} > {relative:E0}");
    }
}
