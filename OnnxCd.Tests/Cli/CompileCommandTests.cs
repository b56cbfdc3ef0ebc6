using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

public sealed class CompileCommandTests
{
    [Fact]
    public void Compile_WritesOneModel_AndATritonRepository()
    {
        using var dir = new TempDirectory();
        var (code, output, log) = CliRunner.Run("compile", "--model", ShippedSamples.ModelPath, "--out", dir.File("fmnist.cd.onnx"), "--steps", "7", "--mode", "probs", "--triton", dir.File("triton"));

        Assert.True(code == 0, log);
        Assert.Contains("seed int64[batch]", output, StringComparison.Ordinal);
        var metadata = OnnxModel.Load(dir.File("fmnist.cd.onnx")).Metadata;
        Assert.Equal("probs", metadata["onnxcd.compiled.mode"]);
        Assert.Equal("7", metadata["onnxcd.compiled.steps"]);
        Assert.Equal("0.0001", metadata["onnxcd.compiled.alpha"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(ShippedSamples.ModelPath))), metadata["onnxcd.compiled.source_sha256"]);
        Assert.True(File.Exists(dir.File("triton/fmnist/config.pbtxt")), output);
        using var session = new InferenceSession(dir.File("triton/fmnist/1/model.onnx"));
        Assert.Equal(["images", "seed"], session.InputMetadata.Keys.Order());
        Assert.Equal(["l1", "logits", "mask"], session.OutputMetadata.Keys.Order());
    }

    [Fact]
    public void TargetCpu_CompilesTheCpuOnlyBackward_AndAnyThePortableOne()
    {
        using var dir = new TempDirectory();
        var (cpuCode, _, cpuLog) = CliRunner.Run("compile", "--model", ShippedSamples.ModelPath, "--out", dir.File("cpu.onnx"), "--steps", "3", "--target", "cpu");
        var (anyCode, _, anyLog) = CliRunner.Run("compile", "--model", ShippedSamples.ModelPath, "--out", dir.File("any.onnx"), "--steps", "3");

        Assert.True(cpuCode == 0, cpuLog);
        Assert.True(anyCode == 0, anyLog);
        static List<string> LoopBodyOps(string path) => OnnxModel.Load(path).Proto.Graph.Node.Single(n => n.OpType == "Loop").Attribute.Single(a => a.Name == "body").G.Node.Select(n => n.OpType).ToList();
        Assert.Contains("MaxUnpool", LoopBodyOps(dir.File("cpu.onnx")));
        Assert.DoesNotContain("ScatterElements", LoopBodyOps(dir.File("cpu.onnx")));
        Assert.DoesNotContain("MaxUnpool", LoopBodyOps(dir.File("any.onnx")));
    }

    [Fact]
    public void NoiseInputWithTriton_IsAUsageError_ThatSaysWhy()
    {
        using var dir = new TempDirectory();
        var (code, _, log) = CliRunner.Run("compile", "--model", ShippedSamples.ModelPath, "--out", dir.File("m.onnx"), "--noise-input", "--triton", dir.File("triton"));

        Assert.Equal(2, code);
        Assert.Contains("--triton needs the seed input", log, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("m.onnx")));
    }

    [Fact]
    public void MissingModel_Exits3_NamingTheFile()
    {
        using var dir = new TempDirectory();
        var (code, _, log) = CliRunner.Run("compile", "--model", dir.File("missing.onnx"), "--out", dir.File("m.onnx"));

        Assert.Equal(3, code);
        Assert.Contains("missing.onnx", log, StringComparison.Ordinal);
    }
}
