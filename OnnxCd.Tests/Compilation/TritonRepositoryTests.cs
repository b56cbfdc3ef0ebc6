using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OnnxCd.Runtime.Compilation;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Compilation;

public sealed partial class TritonRepositoryTests
{
    [Fact]
    public void ConfigPbtxt_DescribesTheInputsAndOutputsOnnxRuntimeSees()
    {
        using var dir = new TempDirectory();
        var model = ShippedSamples.Model();
        var compiled = CdCompiler.Compile(model, new CdOptions { Steps = 3 }, [1, 1, 28, 28], CompiledNoise.Seeds, "sha");
        var config = File.ReadAllText(TritonRepository.Write(compiled, dir.Path, "fmnist-cd", maxBatchSize: 32));
        using var session = new InferenceSession(Path.Combine(dir.Path, "fmnist-cd", "1", "model.onnx"));

        Assert.Contains("name: \"fmnist-cd\"", config);
        Assert.Contains("platform: \"onnxruntime_onnx\"", config);
        Assert.Contains("max_batch_size: 32", config);
        Assert.Contains("dynamic_batching { }", config);
        AssertSection(Section(config, "input"), session.InputMetadata);
        AssertSection(Section(config, "output"), session.OutputMetadata);
    }

    [Fact]
    public void NoiseInput_IsRefused_BecauseItsFirstAxisIsNotTheBatch()
    {
        using var dir = new TempDirectory();
        var compiled = CdCompiler.Compile(ShippedSamples.Model(), new CdOptions { Steps = 3 }, [1, 1, 28, 28], CompiledNoise.Input, "sha");

        var error = Assert.Throws<ArgumentException>(() => TritonRepository.Write(compiled, dir.Path, "m", 8));
        Assert.Contains("'noise'", error.Message);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("../escape")]
    [InlineData(".hidden")]
    public void BadModelNames_AreRefused(string name)
    {
        using var dir = new TempDirectory();
        var compiled = CdCompiler.Compile(ShippedSamples.Model(), new CdOptions { Steps = 1 }, [1, 1, 28, 28], CompiledNoise.Seeds, "sha");

        var error = Assert.Throws<ArgumentException>(() => TritonRepository.Write(compiled, dir.Path, name, 8));
        Assert.Contains(name, error.Message);
    }

    private static void AssertSection(IReadOnlyDictionary<string, (string Type, long[] Dims, bool Reshaped)> entries, IReadOnlyDictionary<string, NodeMetadata> actual)
    {
        Assert.Equal(actual.Keys.Order(), entries.Keys.Order());
        foreach (var (name, metadata) in actual)
        {
            var (type, dims, reshaped) = entries[name];
            Assert.Equal(metadata.ElementDataType switch { TensorElementType.Float => "TYPE_FP32", TensorElementType.Int64 => "TYPE_INT64", var t => t.ToString() }, type);
            Assert.Equal(-1, metadata.Dimensions[0]);
            var perSample = metadata.Dimensions.Skip(1).Select(d => (long)d).ToArray();
            Assert.Equal(perSample.Length == 0 ? [1] : perSample, dims);
            Assert.Equal(perSample.Length == 0, reshaped);
        }
    }

    private static Dictionary<string, (string Type, long[] Dims, bool Reshaped)> Section(string config, string kind)
    {
        var body = Regex.Match(config, $@"^{kind} \[\n(.*?)\n\]$", RegexOptions.Multiline | RegexOptions.Singleline).Groups[1].Value;
        return Entry().Matches(body).ToDictionary(
            m => m.Groups["name"].Value,
            m => (m.Groups["type"].Value, m.Groups["dims"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray(), m.Groups["reshape"].Success));
    }

    [GeneratedRegex(@"name: ""(?<name>[^""]+)""\s+data_type: (?<type>\w+)\s+dims: \[(?<dims>[^\]]*)\](?<reshape>\s+reshape: \{ shape: \[ \] \})?")]
    private static partial Regex Entry();
}
