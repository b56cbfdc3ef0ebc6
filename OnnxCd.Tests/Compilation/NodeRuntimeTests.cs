using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OnnxCd.Runtime.Compilation;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Compilation;

/// <summary>
/// The compiled model in another ONNX Runtime: onnxruntime-node (npm) runs it with the noise that
/// <c>onnxcd distill</c> replays, and gives the same masks; OnnxCd's own ONNX Runtime gives the same
/// results as Node on the same compiled file.
/// </summary>
public sealed class NodeRuntimeTests(ITestOutputHelper output)
{
    [NodeRuntimeFact]
    public void CompiledModel_InOnnxRuntimeNode_MatchesDistill_WithTheSameNoise()
    {
        using var dir = new TempDirectory();
        var model = ShippedSamples.Model();
        var (images, shape) = ShippedSamples.Images();
        var options = new CdOptions();
        var random = new Random(11);
        var noise = NpyArray.Of(Enumerable.Range(0, options.Steps * (int)shape[0]).Select(_ => (float)random.NextDouble()).ToArray(), options.Steps, shape[0], 1);
        var compiledPath = dir.File("model.cd.onnx");
        CdCompiler.Compile(model, options, shape, CompiledNoise.Input, "sha").Save(compiledPath);
        Directory.CreateDirectory(dir.File("in"));
        NpyFile.Write(dir.File("in/images.npy"), NpyArray.Of(images, shape));
        NpyFile.Write(dir.File("in/noise.npy"), noise);

        var (code, log) = NodeRuntime.Run(compiledPath, dir.File("in"), dir.File("out"));
        output.WriteLine(log);
        Assert.True(code == 0, log);
        var nodeL1 = NpyFile.Read(dir.File("out/l1.npy")).Floats;
        var nodeMasks = NpyFile.Read(dir.File("out/mask.npy")).Floats;

        using var distiller = CognitiveDistiller.Create(model, options, shape, new ExecutionOptions(), batchSize: (int)shape[0], noise: NoiseSource.FromArray(noise, "noise"));
        var distilled = distiller.Distill(images, shape);
        using var session = new InferenceSession(compiledPath);
        using var ours = session.Run([
            NamedOnnxValue.CreateFromTensor(CompiledNames.Images, new DenseTensor<float>(images, [.. shape.Select(d => (int)d)])),
            NamedOnnxValue.CreateFromTensor(CompiledNames.Noise, new DenseTensor<float>(noise.Floats, [.. noise.Shape.Select(d => (int)d)]))]);
        var ourL1 = ours.First(r => r.Name == CompiledNames.L1).AsTensor<float>().ToArray();
        var ourMasks = ours.First(r => r.Name == CompiledNames.Mask).AsTensor<float>().ToArray();

        var l1Error = RelativeError(distilled.L1, nodeL1, floor: 1e-3);

        // Mask values near 0 differ by a float32 ulp (1.2e-7) between .NET's tanh and ONNX Runtime's,
        // so their relative error is taken against at least 1% of the masks' range [0,1].
        var maskError = RelativeError(distilled.Masks, nodeMasks, floor: 1e-2);
        var runtimesDiffer = ourMasks.Zip(nodeMasks).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"Node vs distill: l1 {l1Error:E2}, masks {maskError:E2}; OnnxCd's ONNX Runtime vs Node on the compiled file: largest mask difference {runtimesDiffer:E2}");
        Assert.True(l1Error <= 1e-4, $"l1: Node vs distill relative error {l1Error:E2}");
        Assert.True(maskError <= 1e-4, $"masks: Node vs distill relative error {maskError:E2}");
        Assert.Equal(nodeL1, ourL1);
        Assert.Equal(nodeMasks, ourMasks);
    }

    /// <summary>The largest |a − b| / max(|a|, floor).</summary>
    private static double RelativeError(float[] expected, float[] actual, double floor)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (a, b) => Math.Abs(a - b) / Math.Max(Math.Abs(a), floor)).Max();
    }
}
