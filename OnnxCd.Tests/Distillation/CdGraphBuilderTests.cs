using OnnxCd.Runtime;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.Autodiff;
using OnnxCd.Tests.TestSupport;
using static OnnxCd.Runtime.Graph.Attributes;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Distillation;

public sealed class CdGraphBuilderTests
{
    private static readonly double[] s_weights = Enumerable.Range(0, 3 * 32).Select(i => Math.Sin(i * 0.7)).ToArray();

    /// <summary>A linear classifier over 2×4×4 images with 3 logits, small enough to compute by hand.</summary>
    private static OnnxModel LinearModel(bool dynamicBatch = true)
    {
        var g = new TestGraph();
        var x = g.Input("input", [1, 2, 4, 4], dynamicBatch);
        var flat = g.Node("Flatten", [x]);
        g.Output(g.Node("Gemm", [flat, g.Constant(s_weights, [3, 32]), g.Constant([0.1, -0.2, 0.3], [3])], Int("transB", 1)));
        return g.Build();
    }

    /// <summary>
    /// The builder derives the objective's shapes from the model's probe and the CD nodes' own
    /// shapes instead of running the objective; every tensor a probe of the objective finds must
    /// have the same type, shape and (for small integer tensors) value.
    /// </summary>
    [Theory]
    [InlineData("shipped", CdMode.Logits)]
    [InlineData("shipped", CdMode.Probs)]
    [InlineData("shipped", CdMode.Features)]
    [InlineData("linear", CdMode.Logits)]
    [InlineData("linear-fixed-batch", CdMode.Probs)]
    public void ObjectiveShapes_AreThoseAProbeOfTheObjectiveFinds(string model, CdMode mode)
    {
        var onnx = model == "shipped" ? ShippedSamples.Model() : model == "linear" ? LinearModel() : LinearModel(dynamicBatch: false);
        long[] dims = model == "shipped" ? [3, 1, 28, 28] : [1, 2, 4, 4];
        var graphs = CdGraphsFor.Model(onnx, new CdOptions { Mode = mode }, dims);
        var objectiveInputs = graphs.StepInputDims(dims).Where(kv => graphs.Objective.InputNames.Contains(kv.Key)).ToDictionary();
        var probed = ModelProbe.Run(graphs.Objective, objectiveInputs);

        var compared = 0;
        foreach (var name in probed.Names)
        {
            Assert.Equal(probed[name], graphs.ObjectiveShapes.Find(name));
            if (probed.IntValue(name) is { } value)
            {
                Assert.Equal(value, graphs.ObjectiveShapes.IntValue(name));
            }

            compared++;
        }

        Assert.True(compared > graphs.Objective.Proto.Graph.Node.Count, $"only {compared} tensors compared");
    }

    /// <summary>A model whose logits do not have one row per image (here always 4 rows) cannot be distilled; the builder says so instead of building graphs that fail at run time.</summary>
    [Fact]
    public void LogitsWithoutOneRowPerImage_AreRefused()
    {
        var g = new TestGraph();
        var x = g.Input("input", [1, 2, 4, 4], dynamicBatch: true);
        var logits = g.Node("Gemm", [g.Node("Flatten", [x]), g.Constant(s_weights, [3, 32])], Int("transB", 1));
        var pooled = g.Node("ReduceMean", [logits], Ints("axes", [0]), Int("keepdims", 1));
        g.Output(g.Node("Expand", [pooled, g.Constant([4, 3], [2], DataType.Int64)]));

        var error = Assert.Throws<ModelException>(() => CdGraphsFor.Model(g.Build(), new CdOptions(), [1, 2, 4, 4]));

        Assert.Contains("[4,3], whose first axis does not follow the batch axis of the images [?,2,4,4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StepLoss_MatchesTheObjectiveComputedByHand()
    {
        var options = new CdOptions { Alpha = 0.05, Beta = 2 };
        var graphs = CdGraphsFor.Model(LinearModel(), options, [1, 2, 4, 4]);
        var random = new Random(1);
        double[] Draw(int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var (image, theta, noise, target) = (Draw(64), Draw(32).Select(v => (v * 4) - 2).ToArray(), Draw(4), Draw(6));

        using var run = new OrtRun(graphs.Step);
        var names = graphs.Names;
        var loss = run.Run(
            new Dictionary<string, (double[], long[], DataType)>
            {
                [names.Image] = (image, [2, 2, 4, 4], DataType.Float),
                [names.Target] = (target, [2, 3], DataType.Float),
                [names.Theta] = (theta, [2, 1, 4, 4], DataType.Float),
                [names.Noise] = (noise, [2, 2, 1, 1], DataType.Float),
                [names.AdamM] = (new double[32], [2, 1, 4, 4], DataType.Float),
                [names.AdamV] = (new double[32], [2, 1, 4, 4], DataType.Float),
                [names.NegStepSize] = ([-0.1], [], DataType.Float),
                [names.BiasCorrection2Sqrt] = ([1], [], DataType.Float),
            },
            [names.Loss])[names.Loss].Values;

        for (var n = 0; n < 2; n++)
        {
            var mask = Enumerable.Range(0, 16).Select(p => (Math.Tanh(theta[(n * 16) + p]) + 1) / 2).ToArray();
            var blended = Enumerable.Range(0, 32).Select(k => (image[(n * 32) + k] * mask[k % 16]) + ((1 - mask[k % 16]) * noise[(n * 2) + (k / 16)])).ToArray();
            var distance = Enumerable.Range(0, 3).Select(j => Math.Abs(Enumerable.Range(0, 32).Sum(k => blended[k] * s_weights[(j * 32) + k]) + new[] { 0.1, -0.2, 0.3 }[j] - target[(n * 3) + j])).Average();
            var tv = 0.0;
            for (var y = 0; y < 4; y++)
            {
                for (var x = 0; x < 4; x++)
                {
                    tv += y < 3 ? Math.Pow(mask[((y + 1) * 4) + x] - mask[(y * 4) + x], 2) : 0;
                    tv += x < 3 ? Math.Pow(mask[(y * 4) + x + 1] - mask[(y * 4) + x], 2) : 0;
                }
            }

            var expected = distance + (0.05 * mask.Sum()) + (2 * tv / 16);
            Assert.Equal(expected, loss[n], 4);
        }
    }

    [Fact]
    public void ObjectiveGradient_MatchesFiniteDifferences()
    {
        var graphs = CdGraphsFor.Model(ShippedSamples.Model(), new CdOptions { Mode = CdMode.Features }, [1, 1, 28, 28]);
        var names = graphs.Names;
        var dims = new Dictionary<string, long[]>
        {
            [names.Image] = [2, 1, 28, 28],
            [names.Target] = [2, .. graphs.TargetShape.Dims.Skip(1)],
            [names.Theta] = [2, 1, 28, 28],
            [names.Noise] = [2, 1, 1, 1],
        };
        var samplers = new Dictionary<string, Sampler>
        {
            [names.Image] = Sampler.Uniform(0, 1),
            [names.Target] = Sampler.Uniform(0, 1),
            [names.Theta] = Sampler.Uniform(-2, 2),
            [names.Noise] = Sampler.Uniform(0, 1),
        };
        GradCheck.VerifyModel("CD-F objective of the shipped model", graphs.Objective, dims, samplers, new Tolerance("whole model, float32", 1e-3, 1e-2, 1e-3), seed: 4);
    }

    [Fact]
    public void AdamUpdate_FollowsPyTorchsFormula()
    {
        var options = new CdOptions();
        var graphs = CdGraphsFor.Model(LinearModel(), options, [1, 2, 4, 4]);
        var random = new Random(2);
        double[] Draw(int n, double scale) => Enumerable.Range(0, n).Select(_ => random.NextDouble() * scale).ToArray();
        var (m, v, theta) = (Draw(32, 0.01), Draw(32, 1e-4), Draw(32, 1));
        const double negStep = -0.3, correction = 0.8;
        var names = graphs.Names;
        using var run = new OrtRun(graphs.Step);
        var outputs = run.Run(
            new Dictionary<string, (double[], long[], DataType)>
            {
                [names.Image] = (Draw(64, 1), [2, 2, 4, 4], DataType.Float),
                [names.Target] = (Draw(6, 1), [2, 3], DataType.Float),
                [names.Theta] = (theta, [2, 1, 4, 4], DataType.Float),
                [names.Noise] = (Draw(4, 1), [2, 2, 1, 1], DataType.Float),
                [names.AdamM] = (m, [2, 1, 4, 4], DataType.Float),
                [names.AdamV] = (v, [2, 1, 4, 4], DataType.Float),
                [names.NegStepSize] = ([negStep], [], DataType.Float),
                [names.BiasCorrection2Sqrt] = ([correction], [], DataType.Float),
            },
            [names.ThetaNext, names.AdamMNext, names.AdamVNext]);

        var (thetaNext, mNext, vNext) = (outputs[names.ThetaNext].Values, outputs[names.AdamMNext].Values, outputs[names.AdamVNext].Values);
        for (var i = 0; i < 32; i++)
        {
            var g = (mNext[i] - (0.1 * m[i])) / 0.9;
            Assert.Equal((0.1 * v[i]) + (0.9 * g * g), vNext[i], 1e-6 * (1 + vNext[i]));
            Assert.Equal(theta[i] + (negStep * mNext[i] / ((Math.Sqrt(vNext[i]) / correction) + 1e-8)), thetaNext[i], 1e-5);
        }
    }

    [Fact]
    public void NormalisationInTheGraph_EqualsAModelThatNormalisesItself()
    {
        static OnnxModel SmallNet(bool normalisesItself)
        {
            var g = new TestGraph();
            var x = g.Input("input", [1, 1, 12, 12], dynamicBatch: true);
            var first = normalisesItself ? g.Node("Div", [g.Node("Sub", [x, g.Constant([0.3], [1, 1, 1, 1])]), g.Constant([0.2], [1, 1, 1, 1])]) : x;
            var conv = g.Node("Conv", [first, g.Constant(Enumerable.Range(0, 36).Select(i => Math.Cos(i)).ToArray(), [4, 1, 3, 3])], Ints("pads", [1, 1, 1, 1]));
            var pooled = g.Node("Flatten", [g.Node("GlobalAveragePool", [g.Node("Relu", [conv])])]);
            g.Output(g.Node("Gemm", [pooled, g.Constant(Enumerable.Range(0, 12).Select(i => Math.Sin(i)).ToArray(), [3, 4])], Int("transB", 1)));
            return g.Build();
        }

        var random = new Random(3);
        var images = Enumerable.Range(0, 4 * 144).Select(_ => (float)random.NextDouble()).ToArray();
        long[] shape = [4, 1, 12, 12];
        var execution = new OnnxCd.Runtime.Execution.ExecutionOptions();
        using var inside = OnnxCd.Runtime.Distillation.CognitiveDistiller.Create(SmallNet(normalisesItself: true), new CdOptions { Steps = 20 }, shape, execution);
        using var flags = OnnxCd.Runtime.Distillation.CognitiveDistiller.Create(SmallNet(normalisesItself: false), new CdOptions { Steps = 20, Mean = [0.3f], Std = [0.2f] }, shape, execution);

        var expected = inside.Distill(images, shape).Masks;
        var actual = flags.Distill(images, shape).Masks;

        Assert.Equal(expected, actual, (p, q) => Math.Abs(p - q) <= 1e-5);
    }

    [Fact]
    public void FeatureThatIsNotATensor_ListsTheCandidates()
    {
        var error = Assert.Throws<ModelException>(() => CdGraphsFor.Model(ShippedSamples.Model(), new CdOptions { Mode = CdMode.Features, Feature = "nope" }, [1, 1, 28, 28]));
        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains("/features/features.10/Relu_output_0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureMode_DefaultsToTheMapBeforeGlobalPooling()
    {
        var graphs = CdGraphsFor.Model(ShippedSamples.Model(), new CdOptions { Mode = CdMode.Features }, [1, 1, 28, 28]);
        Assert.Equal("/features/features.10/Relu_output_0", graphs.Matched);
        Assert.Equal("[?,32,7,7]", graphs.TargetShape.ToString());
    }
}
