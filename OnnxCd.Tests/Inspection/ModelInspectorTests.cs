using Onnx;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Inspection;
using OnnxCd.Tests.TestSupport;
using static OnnxCd.Runtime.Graph.Attributes;

namespace OnnxCd.Tests.Inspection;

/// <summary>The inspector's report, read from the library rather than through the command line.</summary>
public sealed class ModelInspectorTests
{
    [Fact]
    public void ShippedModel_IsReportedDifferentiable_WithItsFeatureTensor()
    {
        var report = ModelInspector.Inspect(ShippedSamples.ModelPath);

        Assert.True(report.Differentiable);
        Assert.True(report.BatchAxisDynamic);
        Assert.Equal("probe (batch 1 and 2)", report.Shapes);
        Assert.Null(report.ShapesUnknownBecause);
        Assert.Equal("[?,1,28,28]", report.Inputs[0].ProbedShape);
        Assert.Empty(report.TrainingModeBatchNorms);
        Assert.Empty(report.UnsupportedNodes);
        Assert.NotNull(report.FeatureCandidate);
        Assert.Equal(64, report.Sha256.Length);
    }

    [Fact]
    public void Opset7Model_IsReportedWithItsOwnOpset_WhatTheLiftTranslated_AndTheGradientOpset()
    {
        using var dir = new TempDirectory();
        var g = new TestGraph(7);
        var x = g.Input("x", [1, 2, 4, 4], dynamicBatch: true);
        var clipped = g.Node("Clip", [g.Node("Conv", [x, g.Constant(Enumerable.Repeat(0.1, 36).ToArray(), [2, 2, 3, 3])])], Float("min", 0), Float("max", 6));
        g.Output(g.Node("GlobalAveragePool", [clipped]));
        File.WriteAllBytes(dir.File("old.onnx"), g.Bytes());

        var report = ModelInspector.Inspect(dir.File("old.onnx"));

        Assert.Equal(7, report.Opset);
        Assert.Equal(17, report.GradientOpset);
        Assert.Equal(["Clip: attributes → inputs"], report.LiftChanges);
        Assert.True(report.Differentiable);
        Assert.Equal(["Clip", "Conv", "GlobalAveragePool"], report.OpHistogram.Keys);
    }

    [Fact]
    public void SymbolicSize_WithoutAnInputSize_LeavesTheShapesUnknown_AndSaysWhichSettingGivesIt()
    {
        using var dir = new TempDirectory();
        var g = new TestGraph();
        var x = g.Input("x", [1, 1, 8, 8], dynamicBatch: true);
        g.Output(g.Node("Relu", [x]));
        var proto = g.Build().Proto;
        proto.Graph.Input[0].Type.TensorType.Shape.Dim[2].DimParam = "H";
        OnnxModel.Wrap(proto, "symbolic").Save(dir.File("m.onnx"));

        var unknown = ModelInspector.Inspect(dir.File("m.onnx"));
        var known = ModelInspector.Inspect(dir.File("m.onnx"), [6, 8]);

        Assert.StartsWith("unknown: ", unknown.Shapes, StringComparison.Ordinal);
        Assert.Contains(Setting.InputSize, SettingsNamed.In((Exception)unknown.ShapesUnknownBecause!));
        Assert.Equal("[?,1,6,8]", known.Inputs[0].ProbedShape);
    }

    /// <summary>
    /// The inspector and the gradient rule read BatchNormalization's mode from one predicate: before
    /// opset 14 the running-statistics outputs mean training (the lift to 17 writes it as training_mode);
    /// from 14 only training_mode does.
    /// </summary>
    [Theory]
    [InlineData(13, false, true, true)]
    [InlineData(13, false, false, false)]
    [InlineData(15, true, false, true)]
    [InlineData(15, false, true, false)]
    public void TrainingModeBatchNorm_IsReportedWhereTheRuleRefusesIt(long opset, bool trainingMode, bool statisticsOutputs, bool training)
    {
        using var dir = new TempDirectory();
        var g = new TestGraph(opset);
        var x = g.Input("x", [1, 2, 3, 3], dynamicBatch: true);
        double[] ones = [1, 1];
        var inputs = new[] { x, g.Constant(ones, [2]), g.Constant([0, 0], [2]), g.Constant([0, 0], [2]), g.Constant(ones, [2]) };
        var outputs = g.NodeMulti("BatchNormalization", inputs, statisticsOutputs ? 3 : 1, trainingMode ? [Int("training_mode", 1)] : []);
        g.Output(outputs[0]);
        var model = g.Build();

        // Shapes by hand: ONNX Runtime's inference build may refuse to run a training-mode node.
        var map = new TensorShape([TensorShape.Dynamic, 2, 3, 3]);
        var infos = inputs.Skip(1).Concat(outputs.Skip(1)).ToDictionary(n => n, _ => new TensorInfo(TensorProto.Types.DataType.Float, new TensorShape([2])));
        infos[x] = infos[outputs[0]] = new TensorInfo(TensorProto.Types.DataType.Float, map);
        var shapes = new TensorShapes(infos, [], "by hand");
        var signature = ModelSignature.Of(model);
        var errors = GradientBuilder.Validate(model, GradientRequest.Vjp("x", outputs[0]), shapes);

        Assert.Equal(training, signature.TrainingModeBatchNorms.Count == 1);
        Assert.Equal(training, errors.Any(e => e.Reason.Contains("training mode", StringComparison.Ordinal)));
        Assert.True(ModelSignature.IsTrainingBatchNorm(model.Proto.Graph.Node.Single(n => n.OpType == "BatchNormalization")) == training);
    }
}
