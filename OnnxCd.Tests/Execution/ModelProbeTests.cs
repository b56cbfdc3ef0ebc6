using Google.Protobuf;
using Onnx;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime;
using OnnxCd.Tests.Autodiff;
using OnnxCd.Tests.TestSupport;
using static OnnxCd.Runtime.Graph.Attributes;

namespace OnnxCd.Tests.Execution;

public sealed class ModelProbeTests
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

        var shapes = ModelProbe.Run(g.Build(), g.InputDims);

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

        var shapes = ModelProbe.Run(g.Build(), g.InputDims);

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

        var error = Assert.Throws<GradientNotSupportedException>(() => GradientBuilder.Build(model, GradientRequest.Vjp("x", model.OutputNames[0]), ModelProbe.Run(model, g.InputDims)));

        Assert.Contains("must be a constant", Assert.Single(error.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelThatCannotRun_IsReportedWithTheInputSizes()
    {
        var g = new TestGraph();
        var x = g.Input("x", [2, 3]);
        g.Output(g.Node("Reshape", [x, g.Ints(4, 4)], Int("allowzero", 0)));

        var error = Assert.Throws<ModelException>(() => ModelProbe.Run(g.Build(), g.InputDims));

        Assert.Contains("'x' [2,3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeMemory_CountsTheInputAndEveryTensorAtBatch2()
    {
        var g = new TestGraph();
        var x = g.Input("x", [1, 3, 5], dynamicBatch: true);
        g.Output(g.Node("Relu", [g.Node("Relu", [x])]));
        var model = g.Build();

        // x and the two Relu outputs at batch 2: 3 × 2·3·5 float32 = 360 bytes.
        ModelProbe.Run(model, g.InputDims, memoryLimit: 360);
        var error = Assert.Throws<ModelException>(() => ModelProbe.Run(model, g.InputDims, memoryLimit: 359));

        Assert.Contains("would hold 360 bytes (input 'x' [2,3,5] (declared [N,3,5]); 3 tensors", error.Message, StringComparison.Ordinal);
        Assert.Contains("over the limit of 359 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeMemory_OfASymbolicSize_IsJudgedAtTheSizeGiven()
    {
        var g = new TestGraph();
        var x = g.Input("x", [1, 2, 64, 64], dynamicBatch: true);
        g.Output(g.Node("Relu", [x]));
        var proto = ModelProto.Parser.ParseFrom(g.Build().ToBytes());
        proto.Graph.Input[0].Type.TensorType.Shape.Dim[2] = new TensorShapeProto.Types.Dimension { DimParam = "H" };
        proto.Graph.Input[0].Type.TensorType.Shape.Dim[3] = new TensorShapeProto.Types.Dimension { DimParam = "W" };
        var model = OnnxModel.FromBytes(proto.ToByteArray(), "symbolic size");

        // 2 tensors × 2·2·H·W float32: 128 KiB at 64×64, 8 MiB at 512×512.
        var small = ModelProbe.Run(model, new Dictionary<string, long[]> { ["x"] = [1, 2, 64, 64] }, memoryLimit: 128 << 10);
        var error = Assert.Throws<ModelException>(() => ModelProbe.Run(model, new Dictionary<string, long[]> { ["x"] = [1, 2, 512, 512] }, memoryLimit: 128 << 10));

        Assert.Equal("[?,2,64,64]", small[x].Shape.ToString());
        Assert.Contains("would hold 8 MiB (input 'x' [2,2,512,512] (declared [N,2,H,W])", error.Message, StringComparison.Ordinal);
        Assert.Contains(Setting.InputSize, SettingsNamed.In(error));
    }

    [Fact]
    public void ProbeMemory_OfATensorOf2To31ElementsOrMore_IsCounted()
    {
        // ONNX Runtime reports sizes as 32-bit integers; 2^31 + 5 arrives as a negative number.
        var g = new TestGraph();
        var x = g.Input("x", [1, 1], dynamicBatch: true);
        g.Output(g.Node("Expand", [x, g.Ints(1, (1L << 31) + 5)]));

        var error = Assert.Throws<ModelException>(() => ModelProbe.Run(g.Build(), g.InputDims));

        Assert.Contains("would hold 16 GiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2,2147483653] of 16 GiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SizeThatDiffersFromAFixedDeclaredSize_IsRefusedBeforeTheProbe()
    {
        var g = new TestGraph();
        g.Input("x", [1, 3, 1_000_000], dynamicBatch: true);
        g.Output(g.Node("Relu", ["x"]));

        var error = Assert.Throws<ModelException>(() => ModelProbe.Run(g.Build(), new Dictionary<string, long[]> { ["x"] = [1, 3, 5] }));

        Assert.Contains("Input 'x' of 'test graph (Relu)' is declared [N,3,1000000]; it cannot take [1,3,5] (dimension 2 is fixed at 1000000)", error.Message, StringComparison.Ordinal);
    }
}
