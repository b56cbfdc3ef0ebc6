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

    [Fact]
    public void SeededModel_IsDeterministic_AndEachImageDependsOnlyOnItsSeed()
    {
        var model = ShippedSamples.Model();
        var (images, shape) = ShippedSamples.Images();
        var compiled = CdCompiler.Compile(model, new CdOptions { Steps = 10 }, shape, CompiledNoise.Seeds, "sha");
        using var session = new InferenceSession(compiled.ToBytes());
        float[] L1(float[] x, long[] seeds)
        {
            using var results = session.Run([
                NamedOnnxValue.CreateFromTensor(CompiledNames.Images, new DenseTensor<float>(x, [seeds.Length, 1, 28, 28])),
                NamedOnnxValue.CreateFromTensor(CompiledNames.Seed, new DenseTensor<long>(seeds, [seeds.Length]))]);
            return results.First(r => r.Name == CompiledNames.L1).AsTensor<float>().ToArray();
        }

        long[] seeds = [.. Enumerable.Range(100, (int)shape[0]).Select(i => (long)i)];
        var first = L1(images, seeds);
        var again = L1(images, seeds);
        var alone = L1(images.AsSpan(3 * 784, 784).ToArray(), [seeds[3]]);
        var otherSeeds = L1(images, [.. seeds.Select(s => s + 1000)]);

        Assert.Equal(first, again);
        Assert.Equal(first[3], alone[0], 1e-4f * first[3]);
        Assert.True(first.Zip(otherSeeds).Count(p => p.First != p.Second) >= shape[0] / 2, "changing the seeds hardly changed the masks");
    }

    [PythonOnnxFact]
    public void CompiledModels_PassTheOnnxChecker()
    {
        using var dir = new TempDirectory();
        var model = ShippedSamples.Model();
        var files = new List<string>();
        foreach (var (mode, noise) in new[] { (CdMode.Logits, CompiledNoise.Seeds), (CdMode.Features, CompiledNoise.Input), (CdMode.Probs, CompiledNoise.Seeds) })
        {
            var path = dir.File($"{mode}-{noise}.onnx");
            CdCompiler.Compile(model, new CdOptions { Mode = mode, Steps = 2 }, [1, 1, 28, 28], noise, "sha").Save(path);
            files.Add(path);
        }

        const string script = "import onnx, sys\n"
            + "for p in sys.argv[1:]: onnx.checker.check_model(onnx.load(p), full_check=True)\n";
        var (code, output) = PythonOnnx.Run(["-c", script, .. files]);

        Assert.True(code == 0, "The ONNX checker rejected a compiled model:\n" + output);
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
