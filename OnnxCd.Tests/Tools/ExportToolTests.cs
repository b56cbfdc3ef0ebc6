using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Tools;

/// <summary>Round trips of tools/export_onnx.py: PyTorch model → ONNX → OnnxCd, on two torchvision architectures.</summary>
public sealed class ExportToolTests
{
    [PythonTorchTheory]
    [InlineData("resnet18")]
    [InlineData("mobilenet_v2")]
    public void ExportedModel_RunsInOnnxCd_WithPyTorchsLogits_ItsMetadata_AndItsFeatureMap(string architecture)
    {
        using var dir = new TempDirectory();
        var model = dir.File($"{architecture}.onnx");
        var (code, output) = PythonOnnx.Run(
            Path.Combine(RepositoryPaths.Root, "tools", "export_onnx.py"), "--torchvision", architecture, "--num-classes", "10", "--input-size", "32",
            "--features", "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25", "--save-check", dir.File("check"), "--out", model);
        Assert.True(code == 0, output);

        var onnx = OnnxModel.Load(model);
        Assert.Equal(17, onnx.Opset);
        Assert.Equal(["logits", "features"], onnx.OutputNames);
        Assert.Equal(-1, onnx.DeclaredInputShape![0]);
        Assert.Equal("0.5,0.5,0.5", onnx.Metadata["onnxcd.mean"]);
        Assert.Equal("32x32", onnx.Metadata["onnxcd.input_size"]);

        var x = NpyFile.Read(dir.File("check/input.npy"));
        var expected = NpyFile.Read(dir.File("check/logits.npy")).Floats;
        using var run = new OrtRun(onnx);
        var actual = run.Run(new Dictionary<string, (double[], long[], DataType)> { ["input"] = (x.Floats.Select(v => (double)v).ToArray(), x.Shape, DataType.Float) }, ["logits"])["logits"].Values;
        var scale = expected.Max(v => Math.Abs(v));
        Assert.True(actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max() <= 1e-4 * Math.Max(1, scale), "ONNX Runtime's logits differ from PyTorch's");

        var graphs = CdGraphsFor.Model(onnx, new CdOptions { Mode = CdMode.Features }, [1, 3, 32, 32]);
        Assert.Equal("features", graphs.Matched);
    }
}
