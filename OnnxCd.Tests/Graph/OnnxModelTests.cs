using Google.Protobuf;
using Onnx;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Graph;

public sealed class OnnxModelTests
{
    [Fact]
    public void MissingFile_IsNamed()
    {
        var error = Assert.Throws<ModelException>(() => OnnxModel.Load("/nonexistent/model.onnx"));
        Assert.Contains("'/nonexistent/model.onnx' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFile_IsNotAnOnnxModel()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.onnx");
        File.WriteAllText(path, "this is not a model");

        var error = Assert.Throws<ModelException>(() => OnnxModel.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedModel_IsRefused()
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(Path.Combine(RepositoryPaths.OnnxModels, "fmnist-cnn-clean.onnx"));
        var path = dir.File("cut.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<ModelException>(() => OnnxModel.Load(path));

        Assert.Contains("cut.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalData_IsInlined_AndMissingExternalDataIsNamed()
    {
        using var dir = new TempDirectory();
        var g = new TestGraph();
        var x = g.Input("x", [3]);
        var weight = g.Constant([1, 2, 3], [3]);
        g.Output(g.Node("Mul", [x, weight]));
        var proto = g.Build().Proto;
        var tensor = proto.Graph.Initializer.Single();
        File.WriteAllBytes(dir.File("weights.bin"), tensor.RawData.ToByteArray());
        tensor.RawData = ByteString.Empty;
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        File.WriteAllBytes(dir.File("model.onnx"), proto.ToByteArray());

        var model = OnnxModel.Load(dir.File("model.onnx"));
        Assert.Equal(new double[] { 1, 2, 3 }, Tensors.ReadDoubles(model.Proto.Graph.Initializer.Single()));

        File.Delete(dir.File("weights.bin"));
        var error = Assert.Throws<ModelException>(() => OnnxModel.Load(dir.File("model.onnx")));
        Assert.Contains("'weights.bin'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{tensor.Name}'", error.Message, StringComparison.Ordinal);
    }
}
