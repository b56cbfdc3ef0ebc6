using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Autodiff;

/// <summary>The CPU-only backward (MaxUnpool) gives the portable backward's numbers, and is chosen only where the CPU runs it.</summary>
public sealed class ProviderTargetTests
{
    [Fact]
    public void ShippedModel_CpuTarget_UnpoolsInsteadOfScattering_WithBitwiseTheSameGradient()
    {
        var model = ShippedSamples.Model();
        var (images, shape) = ShippedSamples.Many(5);
        var shapes = ModelProbe.Run(model, new Dictionary<string, long[]> { ["input"] = shape });
        var random = new Random(7);
        var cotangent = Enumerable.Range(0, 5 * 10).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] Gradient(ProviderTarget target, out List<string> ops)
        {
            var gradient = GradientBuilder.Build(model, GradientRequest.Vjp("input", "logits") with { Target = target }, shapes);
            ops = gradient.Model.Proto.Graph.Node.Select(n => n.OpType).ToList();
            using var run = new OrtRun(gradient.Model);
            var feed = new Dictionary<string, (double[], long[], DataType)>
            {
                ["input"] = (images.Select(v => (double)v).ToArray(), shape, DataType.Float),
                [gradient.CotangentInputs["logits"]] = (cotangent, [5, 10], DataType.Float),
            };
            return run.Run(feed, [gradient.GradientOutputs["input"]])[gradient.GradientOutputs["input"]].Values;
        }

        var portable = Gradient(ProviderTarget.Any, out var portableOps);
        var cpu = Gradient(ProviderTarget.Cpu, out var cpuOps);

        Assert.Equal(2, portableOps.Count(op => op == "ScatterElements"));
        Assert.DoesNotContain("MaxUnpool", portableOps);
        Assert.Equal(2, cpuOps.Count(op => op == "MaxUnpool"));
        Assert.DoesNotContain("ScatterElements", cpuOps);
        Assert.Contains(portable, v => v != 0);
        Assert.Equal(portable, cpu);
    }

    [Theory]
    [InlineData(ProviderTarget.Any)]
    [InlineData(ProviderTarget.Cpu)]
    public void ReluBeforeMaxPool_IsMaskedAtThePooledSize_AndEmitsNothingItself(ProviderTarget target)
    {
        var model = ShippedSamples.Model();
        var shapes = ModelProbe.Run(model, new Dictionary<string, long[]> { ["input"] = [2, 1, 28, 28] });
        var gradient = GradientBuilder.Build(model, GradientRequest.Vjp("input", "logits") with { Target = target }, shapes);
        var index = new GraphIndex(model.Proto.Graph);
        var emitted = gradient.Model.Proto.Graph.Node.Select(n => n.Name).ToList();

        var relus = model.Proto.Graph.Node.Where(n => n.OpType == "Relu").ToList();
        Assert.Equal(3, relus.Count);
        foreach (var relu in relus)
        {
            var beforeMaxPool = index.Consumers(relu.Output[0]) is [{ OpType: "MaxPool" }];
            var own = emitted.Count(name => name.StartsWith(GraphIndex.NodeLabel(relu) + "_Grad/", StringComparison.Ordinal));
            Assert.True(beforeMaxPool ? own == 0 : own > 0, $"{GraphIndex.NodeLabel(relu)} (before MaxPool: {beforeMaxPool}) emitted {own} gradient nodes");
        }
    }

    /// <summary>
    /// A 2×2 window [[1, 5], [5, 0]]: its maximum is shared by (0,1) and (1,0). ONNX Runtime's CPU
    /// MaxPool scans row by row and routes the gradient to (0,1), as PyTorch does. The CUDA backward
    /// pools the copy with reversed axes, so the CPU kernel scans the original column by column and
    /// picks (1,0): the scan order is reversed, which on CUDA (whose kernel scans column by column)
    /// gives (0,1). <see cref="Execution.CudaPathTests"/> checks the CUDA side.
    /// </summary>
    [Theory]
    [InlineData(ProviderTarget.Any, new double[] { 0, 1, 0, 0 })]
    [InlineData(ProviderTarget.Cpu, new double[] { 0, 1, 0, 0 })]
    [InlineData(ProviderTarget.Cuda, new double[] { 0, 0, 1, 0 })]
    public void TiedWindow_OnTheCpu_GoesRowByRow_ExceptForTheCudaTarget(ProviderTarget target, double[] expected)
    {
        Assert.Equal(expected, TiedWindowGradient(target, execution: null));
    }

    /// <summary>The gradient of MaxPool 2×2 at [[1, 5], [5, 0]] for dy = 1, built for <paramref name="target"/> and run on <paramref name="execution"/>'s device (the test CPU session when null).</summary>
    internal static double[] TiedWindowGradient(ProviderTarget target, ExecutionOptions? execution)
    {
        var g = new TestGraph();
        var x = g.Input("x", [1, 1, 2, 2]);
        g.Output(g.Node("MaxPool", [x], Attributes.Ints("kernel_shape", [2, 2]), Attributes.Ints("strides", [2, 2])));
        var model = g.Build();
        var shapes = ModelProbe.Run(model, g.InputDims);
        var output = model.Proto.Graph.Output[0].Name;
        var gradient = GradientBuilder.Build(model, GradientRequest.Vjp("x", output) with { Target = target }, shapes);
        using var run = execution is null ? new OrtRun(gradient.Model) : new OrtRun(gradient.Model, execution);
        var feed = new Dictionary<string, (double[], long[], DataType)>
        {
            ["x"] = ([1, 5, 5, 0], [1, 1, 2, 2], DataType.Float),
            [gradient.CotangentInputs[output]] = ([1], [1, 1, 1, 1], DataType.Float),
        };
        return run.Run(feed, [gradient.GradientOutputs["x"]])[gradient.GradientOutputs["x"]].Values;
    }

    [Fact]
    public void Distiller_UsesTheCpuBackward_ExactlyWhenTheStepRunsOnTheCpu()
    {
        var (images, shape) = ShippedSamples.Many(6);
        var options = new CdOptions { Steps = 12 };
        using var cpu = CognitiveDistiller.Create(ShippedSamples.Model(), options, shape, new ExecutionOptions { Device = new DeviceSpec(DeviceKind.Cpu) });
        using var auto = CognitiveDistiller.Create(ShippedSamples.Model(), options, shape, new ExecutionOptions { Device = new DeviceSpec(DeviceKind.Auto) });

        Assert.Contains(cpu.Graphs.Step.Proto.Graph.Node, n => n.OpType == "MaxUnpool");
        var autoOnCpu = auto.Provider.StartsWith("CPU", StringComparison.Ordinal);
        Assert.Equal(autoOnCpu, auto.Graphs.Step.Proto.Graph.Node.Any(n => n.OpType == "MaxUnpool"));
        if (autoOnCpu)
        {
            Assert.NotNull(auto.FallbackReason);
            Assert.Equal(cpu.Distill(images, shape).Masks, auto.Distill(images, shape).Masks);
        }
    }
}
