using System.Text.Json;
using OnnxCd.Tests.TestSupport;
using static OnnxCd.Runtime.Graph.Attributes;

namespace OnnxCd.Tests.Cli;

public sealed class InspectCommandTests
{
    [Fact]
    public void ShippedModel_IsDifferentiable_WithItsFeatureTensor()
    {
        var (code, output, log) = CliRunner.Run("inspect", Path.Combine(RepositoryPaths.OnnxModels, "fmnist-cnn-clean.onnx"), "--json");

        Assert.True(code == 0, log);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.True(root.GetProperty("differentiable").GetBoolean());
        Assert.True(root.GetProperty("batchAxisDynamic").GetBoolean());
        Assert.Equal(3, root.GetProperty("opHistogram").GetProperty("Conv").GetInt32());
        Assert.Equal("[?,32,7,7]", root.GetProperty("featureCandidate").GetProperty("shape").GetString());
        Assert.Equal("[?,1,28,28]", root.GetProperty("inputs")[0].GetProperty("probedShape").GetString());
    }

    [Fact]
    public void SoftmaxOutput_AndUnsupportedNodes_AreReported()
    {
        using var dir = new TempDirectory();
        var g = new TestGraph();
        var x = g.Input("x", [1, 2, 4, 4], dynamicBatch: true);
        var pooled = g.Node("GlobalAveragePool", [g.Node("MeanVarianceNormalization", [x])]);
        g.Output(g.Node("Softmax", [g.Node("Flatten", [pooled])]));
        g.Build().Save(dir.File("m.onnx"));

        var (code, output, _) = CliRunner.Run("inspect", dir.File("m.onnx"));

        Assert.Equal(3, code);
        Assert.Contains("NOT supported: 1 node(s)", output, StringComparison.Ordinal);
        Assert.Contains("(MeanVarianceNormalization, opset 17)", output, StringComparison.Ordinal);
        Assert.Contains("comes from a Softmax", output, StringComparison.Ordinal);
        Assert.Contains("input of the last global pooling", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainingModeBatchNorm_IsFlagged()
    {
        using var dir = new TempDirectory();
        var g = new TestGraph();
        var x = g.Input("x", [2, 2, 3, 3], dynamicBatch: true);
        var ones = g.Constant([1, 1], [2]);
        var zeros = g.Constant([0, 0], [2]);
        g.Output(g.Node("BatchNormalization", [x, ones, zeros, zeros, ones], Int("training_mode", 1)));
        g.Build().Save(dir.File("m.onnx"));

        var (code, output, _) = CliRunner.Run("inspect", dir.File("m.onnx"));

        Assert.Equal(3, code);
        Assert.Contains("is in training mode", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SymbolicSpatialSize_AsksForInputSize_AndUsesIt()
    {
        using var dir = new TempDirectory();
        var graph = new TestGraph();
        var x = graph.Input("x", [1, 1, 8, 8], dynamicBatch: true);
        graph.Output(graph.Node("Relu", [x]));
        var proto = graph.Build().Proto;
        proto.Graph.Input[0].Type.TensorType.Shape.Dim[2].DimParam = "H";
        proto.Graph.Input[0].Type.TensorType.Shape.Dim[3].DimParam = "W";
        OnnxCd.Runtime.Graph.OnnxModel.Wrap(proto, "symbolic").Save(dir.File("m.onnx"));

        var (code, output, _) = CliRunner.Run("inspect", dir.File("m.onnx"));
        Assert.Equal(3, code);
        Assert.Contains("--input-size HxW", output, StringComparison.Ordinal);

        (code, output, _) = CliRunner.Run("inspect", dir.File("m.onnx"), "--input-size", "6x5");
        Assert.Equal(0, code);
        Assert.Contains("(probed [?,1,6,5])", output, StringComparison.Ordinal);
    }
}
