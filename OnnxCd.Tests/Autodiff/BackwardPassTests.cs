using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime;
using OnnxCd.Tests.TestSupport;
using static OnnxCd.Runtime.Graph.Attributes;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Autodiff;

/// <summary>Graph-level behaviour of the backward pass: accumulation, pruning, seeding, opsets and refusals.</summary>
public sealed class BackwardPassTests
{
    [Fact]
    public void FanOut_IsSummedByOneSumNode()
    {
        var g = new TestGraph(17, DataType.Double);
        var x = g.Input("x", [3, 4]);
        var y = g.Node("Add", [g.Node("Mul", [x, x]), g.Node("Exp", [x])]);
        g.Output(y);
        var gradCase = GradCase.Graph("fan-out", () => g, Tolerance.Smooth64);
        GradCheck.Verify(gradCase, seed: 7);

        var gradient = Build(g, GradientRequest.Vjp("x", y));
        var sums = gradient.Model.Proto.Graph.Node.Count(n => n.OpType == "Sum");
        Assert.Equal(1, sums);
    }

    [Fact]
    public void UnusedWrtInput_GetsZerosOfItsShape()
    {
        var g = new TestGraph();
        var a = g.Input("a", [2, 3]);
        g.Input("b", [4, 5]);
        var y = g.Node("Relu", [a]);
        g.Output(y);
        var gradient = Build(g, new GradientRequest { Wrt = ["a", "b"], Cotangents = [y] });

        using var run = new OrtRun(gradient.Model);
        var result = run.Run(
            new Dictionary<string, (double[], long[], DataType)>
            {
                ["a"] = (Enumerable.Repeat(1.0, 6).ToArray(), [2, 3], DataType.Float),
                ["b"] = (Enumerable.Repeat(1.0, 20).ToArray(), [4, 5], DataType.Float),
                [gradient.CotangentInputs[y]] = (Enumerable.Repeat(2.0, 6).ToArray(), [2, 3], DataType.Float),
            },
            [gradient.GradientOutputs["a"], gradient.GradientOutputs["b"]]);
        Assert.Equal(Enumerable.Repeat(2.0, 6), result[gradient.GradientOutputs["a"]].Values);
        Assert.Equal(new long[] { 4, 5 }, result[gradient.GradientOutputs["b"]].Dims);
        Assert.All(result[gradient.GradientOutputs["b"]].Values, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void OnlyThePathIsDifferentiated()
    {
        var g = new TestGraph();
        var x = g.Input("x", [2, 3]);
        var y = g.Node("Relu", [x]);
        var side = g.Node("Cos", [g.Constant([1, 2, 3], [3])]);
        g.Output(g.Node("Add", [y, side]));
        g.Output(g.Node("Sin", [x]));
        var model = g.Build();
        var shapes = ModelProbe.Run(model, g.InputDims);

        var gradient = GradientBuilder.Build(model, GradientRequest.Vjp("x", model.OutputNames[0]), shapes);

        Assert.DoesNotContain(gradient.Model.Proto.Graph.Node, n => n.Name.StartsWith("Cos", StringComparison.Ordinal) && n.Name.Contains("_Grad", StringComparison.Ordinal));
        Assert.DoesNotContain(gradient.Model.Proto.Graph.Node, n => n.Name.Contains("Sin", StringComparison.Ordinal) && n.Name.Contains("_Grad", StringComparison.Ordinal));
    }

    [Fact]
    public void UnsupportedOps_ListEveryOffendingNode()
    {
        var g = new TestGraph();
        var x = g.Input("x", [1, 3, 2, 2]);
        const string Mvn = "MeanVarianceNormalization";
        var first = g.Node(Mvn, [x]);
        var y = g.Node(Mvn, [g.Node(Mvn, [first])]);
        var offPath = g.Node(Mvn, [g.Constant(Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), [1, 3, 2, 2])]);
        g.Output(g.Node("Add", [y, offPath]));
        var model = g.Build();

        var error = Assert.Throws<GradientNotSupportedException>(() => GradientBuilder.Build(model, GradientRequest.Vjp("x", model.OutputNames[0]), ModelProbe.Run(model, g.InputDims)));

        Assert.Equal([Mvn, Mvn, Mvn], error.Errors.Select(e => e.OpType));
        Assert.StartsWith(error.Errors[0].NodeName, first, StringComparison.Ordinal);
        Assert.All(error.Errors, e => Assert.Equal(17, e.Opset));
        Assert.StartsWith("3 nodes of", error.Message, StringComparison.Ordinal);
        Assert.Contains($"node '{Mvn}_", error.Message, StringComparison.Ordinal);
        Assert.Contains("Op types OnnxCd differentiates:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightThatDependsOnTheInput_IsRefusedWithTheReason()
    {
        var g = new TestGraph();
        var x = g.Input("x", [1, 2, 5, 5]);
        var scale = g.Node("ReduceMean", [x], Int("keepdims", 0));
        var weight = g.Node("Mul", [g.Constant(Enumerable.Repeat(0.5, 18).ToArray(), [1, 2, 3, 3]), scale]);
        g.Output(g.Node("Conv", [x, weight]));
        var model = g.Build();

        var error = Assert.Throws<GradientNotSupportedException>(() => GradientBuilder.Build(model, GradientRequest.Vjp("x", model.OutputNames[0]), ModelProbe.Run(model, g.InputDims)));

        var conv = Assert.Single(error.Errors);
        Assert.Equal("Conv", conv.OpType);
        Assert.Contains("input 1", conv.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("...ij->...ji", "ellipsis")]
    [InlineData("ii->i", "repeats a subscript")]
    public void EinsumTheRuleCannotDifferentiate_IsRefusedWithTheReason(string equation, string reason)
    {
        var g = new TestGraph();
        var x = g.Input("x", [3, 3]);
        g.Output(g.Node("Einsum", [x], String("equation", equation)));
        var model = g.Build();

        var error = Assert.Throws<GradientNotSupportedException>(() => GradientBuilder.Build(model, GradientRequest.Vjp("x", model.OutputNames[0]), ModelProbe.Run(model, g.InputDims)));

        Assert.Contains(reason, Assert.Single(error.Errors).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mode", "cubic", "nearest and linear have one")]
    [InlineData("coordinate_transformation_mode", "tf_crop_and_resize", "half_pixel, pytorch_half_pixel")]
    public void ResizeTheRuleCannotDifferentiate_IsRefusedWithTheReason(string attribute, string value, string reason)
    {
        var g = new TestGraph();
        var x = g.Input("x", [1, 1, 3, 3]);
        g.Output(g.Node("Resize", [x, g.Constant([0, 0, 0, 0, 1, 1, 1, 1], [8]), g.Constant([1, 1, 2, 2], [4])], String(attribute, value)));
        var model = g.Build();

        var error = Assert.Throws<GradientNotSupportedException>(() => GradientBuilder.Build(model, GradientRequest.Vjp("x", model.OutputNames[0]), ModelProbe.Run(model, g.InputDims)));

        Assert.Contains(reason, Assert.Single(error.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxPoolIndicesTheModelReads_KeepTheirColumnMajorOrder()
    {
        var g = new TestGraph();
        var x = g.Input("x", [1, 1, 2, 4]);
        var pooled = g.NodeMulti("MaxPool", [x], 2, Ints("kernel_shape", [2, 2]), Ints("strides", [2, 2]), Int("storage_order", 1));
        g.Output(pooled[0]);
        g.Output(pooled[1]);
        var gradient = Build(g, GradientRequest.Vjp("x", pooled[0]));
        double[] values = [1, 2, 3, 4, 5, 6, 8, 7];

        using var run = new OrtRun(gradient.Model);
        var result = run.Run(
            new Dictionary<string, (double[], long[], DataType)>
            {
                ["x"] = (values, [1, 1, 2, 4], DataType.Float),
                [gradient.CotangentInputs[pooled[0]]] = ([1, 1], [1, 1, 1, 2], DataType.Float),
            },
            [pooled[1], gradient.GradientOutputs["x"]]);

        // Maxima 6 at (1,1) and 8 at (1,2): column-major positions h + w·H = 3 and 5, row-major 5 and 6.
        Assert.Equal([3.0, 5.0], result[pooled[1]].Values);
        Assert.Equal([0.0, 0, 0, 0, 0, 1, 1, 0], result[gradient.GradientOutputs["x"]].Values);
    }

    [Fact]
    public void NonFloatInput_IsRefused()
    {
        var g = new TestGraph();
        var ids = g.Input("ids", [4], type: DataType.Int64);
        g.Output(g.Node("Gather", [g.Constant(Enumerable.Range(0, 30).Select(i => (double)i).ToArray(), [10, 3]), ids]));
        var model = g.Build();

        var error = Assert.Throws<ModelException>(() => GradientBuilder.Build(model, GradientRequest.Vjp("ids", model.OutputNames[0]), ModelProbe.Run(model, g.InputDims)));

        Assert.Contains("'ids'", error.Message, StringComparison.Ordinal);
        Assert.Contains("floating-point", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOutput_ListsTheAvailableOutputs()
    {
        var g = new TestGraph();
        g.Output(g.Node("Relu", [g.Input("x", [2])]));
        var model = g.Build();

        var error = Assert.Throws<ModelException>(() => GradientBuilder.Build(model, GradientRequest.Vjp("x", "probs"), ModelProbe.Run(model, g.InputDims)));

        Assert.Contains("'probs' not found", error.Message, StringComparison.Ordinal);
        Assert.Contains(model.OutputNames[0], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScalarLoss_IsSeededWithOne()
    {
        var g = new TestGraph(17, DataType.Double);
        var x = g.Input("x", [2, 3]);
        var loss = g.Node("ReduceSum", [g.Node("Mul", [x, x])], Int("keepdims", 0));
        g.Output(loss);
        var gradient = Build(g, GradientRequest.OfLoss(loss, "x"));
        Assert.Empty(gradient.CotangentInputs);

        double[] values = [1, -2, 3, 0.5, 0, -1];
        using var run = new OrtRun(gradient.Model);
        var result = run.Run(new Dictionary<string, (double[], long[], DataType)> { ["x"] = (values, [2, 3], DataType.Double) }, [gradient.GradientOutputs["x"]]);

        Assert.Equal(values.Select(v => 2 * v), result[gradient.GradientOutputs["x"]].Values);
    }

    [Fact]
    public void Opset14Model_IsWrittenAtOpset17()
    {
        var g = new TestGraph(14);
        g.Output(g.Node("Relu", [g.Input("x", [2, 3])]));
        var gradient = Build(g, GradientRequest.Vjp("x", g.Build().OutputNames[0]));

        Assert.Equal(17, gradient.Opset);
        Assert.Equal(17, gradient.Model.Opset);
    }

    [Fact]
    public void Opset1Model_IsLiftedAndWrittenAtOpset17()
    {
        var g = new TestGraph(1);
        g.Output(g.Node("Relu", [g.Input("x", [2, 3])]));
        var gradient = Build(g, GradientRequest.Vjp("x", g.Build().OutputNames[0]));

        Assert.Equal(1, g.Build().SourceOpset);
        Assert.Equal(17, gradient.Opset);
    }

    [Fact]
    public void Opset0Model_IsRefusedWithTheOpsetToUse()
    {
        var g = new TestGraph(0);
        g.Output(g.Node("Relu", [g.Input("x", [2, 3])]));

        var error = Assert.Throws<ModelException>(g.Build);

        Assert.Contains("opset 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("opset_version=17", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GradientModel_KeepsTheBatchAxisDynamic()
    {
        var g = new TestGraph();
        var x = g.Input("x", [2, 3, 4], dynamicBatch: true);
        var flat = g.Node("Reshape", [g.Node("Softmax", [x]), g.Ints(-1, 12)]);
        g.Output(g.Node("Gemm", [flat, g.Constant(Enumerable.Range(0, 60).Select(i => Math.Cos(i)).ToArray(), [12, 5])]));
        var gradient = Build(g, GradientRequest.Vjp("x", g.Build().OutputNames[0]));

        var random = new Random(3);
        var xs = Enumerable.Range(0, 5 * 12).Select(_ => random.NextDouble()).ToArray();
        var cs = Enumerable.Range(0, 5 * 5).Select(_ => random.NextDouble()).ToArray();
        using var run = new OrtRun(gradient.Model);
        var output = gradient.GradientOutputs["x"];
        var cotangent = gradient.CotangentInputs.Values.Single();
        var all = run.Run(new Dictionary<string, (double[], long[], DataType)> { ["x"] = (xs, [5, 3, 4], DataType.Float), [cotangent] = (cs, [5, 5], DataType.Float) }, [output])[output].Values;
        for (var i = 0; i < 5; i++)
        {
            var one = run.Run(
                new Dictionary<string, (double[], long[], DataType)> { ["x"] = (xs[(i * 12)..((i + 1) * 12)], [1, 3, 4], DataType.Float), [cotangent] = (cs[(i * 5)..((i + 1) * 5)], [1, 5], DataType.Float) },
                [output])[output].Values;
            Assert.Equal(one, all[(i * 12)..((i + 1) * 12)], (a, b) => Math.Abs(a - b) <= 1e-6 * (1 + Math.Abs(b)));
        }
    }

    private static GradientModel Build(TestGraph g, GradientRequest request)
    {
        var model = g.Build();
        return GradientBuilder.Build(model, request, ModelProbe.Run(model, g.InputDims));
    }
}
