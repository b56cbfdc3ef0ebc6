using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.Autodiff;
using OnnxCd.Tests.TestSupport;
using static OnnxCd.Runtime.Graph.Attributes;

namespace OnnxCd.Tests.Graph;

public sealed class ShapeProbeTests
{
    [Fact]
    public void SizesThatFollowTheBatch_AreDynamic()
    {
        var g = new TestGraph();
        var x = g.Input("x", [4, 3, 5], dynamicBatch: true);
        var rows = g.Node("Reshape", [x, g.Ints(-1, 5)]);
        var pooled = g.Node("ReduceSum", [x, g.Ints(0)]);
        g.Output(rows);
        g.Output(pooled);

        var shapes = TensorShapes.Infer(g.Build(), g.InputDims);

        Assert.Equal("[?,3,5]", shapes[x].Shape.ToString());
        Assert.Equal("[?,5]", shapes[rows].Shape.ToString());
        Assert.Equal("[1,3,5]", shapes[pooled].Shape.ToString());
    }

    [Fact]
    public void FixedBatch_IsProbedOnceAndStaysStatic()
    {
        var g = new TestGraph();
        var x = g.Input("x", [4, 3]);
        g.Output(g.Node("Relu", [x]));

        var shapes = TensorShapes.Infer(g.Build(), g.InputDims);

        Assert.True(shapes[x].Shape.IsStatic);
        Assert.Contains("fixed batch", shapes.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void SliceBoundsComputedFromShapes_AreTreatedAsConstants()
    {
        // torch.chunk exports slice bounds as Shape -> Gather -> Div -> Mul; they do not depend on the batch.
        GradCheck.Verify(
            GradCase.Graph(
                "chunk-like slice",
                () =>
                {
                    var g = new TestGraph();
                    var x = g.Input("x", [2, 6, 3], dynamicBatch: true);
                    var channels = g.Node("Gather", [g.Node("Shape", [x]), g.Ints(1)]);
                    var half = g.Node("Div", [channels, g.Ints(2)]);
                    var first = g.Node("Slice", [x, g.Ints(0), half, g.Ints(1)]);
                    var second = g.Node("Slice", [x, half, g.Ints(long.MaxValue), g.Ints(1)]);
                    g.Output(g.Node("Mul", [first, second]));
                    return g;
                },
                Tolerance.Smooth32),
            seed: 1);
    }

    [Fact]
    public void SliceBoundsThatFollowTheBatch_AreRefused()
    {
        var g = new TestGraph();
        var x = g.Input("x", [4, 3], dynamicBatch: true);
        var batch = g.Node("Gather", [g.Node("Shape", [x]), g.Ints(0)]);
        var half = g.Node("Div", [batch, g.Ints(2)]);
        g.Output(g.Node("Slice", [x, g.Ints(0), half, g.Ints(0)]));
        var model = g.Build();

        var error = Assert.Throws<GradientNotSupportedException>(() => GradientBuilder.Build(model, GradientRequest.Vjp("x", model.OutputNames[0]), TensorShapes.Infer(model, g.InputDims)));

        Assert.Contains("must be a constant", Assert.Single(error.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelThatCannotRun_IsReportedWithTheInputSizes()
    {
        var g = new TestGraph();
        var x = g.Input("x", [2, 3]);
        g.Output(g.Node("Reshape", [x, g.Ints(4, 4)], Int("allowzero", 0)));

        var error = Assert.Throws<OnnxCd.Runtime.ModelException>(() => TensorShapes.Infer(g.Build(), g.InputDims));

        Assert.Contains("'x' [2,3]", error.Message, StringComparison.Ordinal);
    }
}
