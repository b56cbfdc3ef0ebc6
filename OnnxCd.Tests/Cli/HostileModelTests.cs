using Google.Protobuf;
using Onnx;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;
using static OnnxCd.Runtime.Graph.Attributes;

namespace OnnxCd.Tests.Cli;

/// <summary>
/// The main job (<c>onnxcd scan</c>) on broken or unusual models: each is refused with exit 3 and a
/// message that names the file, node or value at fault (no stack trace), or runs with a warning.
/// </summary>
public sealed class HostileModelTests
{
    public static TheoryData<string, string[]> Refused => new()
    {
        { "not-onnx", ["not a valid ONNX model", "not-onnx.onnx"] },
        { "truncated", ["truncated.onnx"] },
        { "unsupported-ops", ["2 nodes", "(MeanVarianceNormalization, opset 17)"] },
        { "int-output", ["has no float output", "int64", "before any ArgMax"] },
        { "rank-2-input", ["[N,C,H,W]"] },
        { "training-batchnorm", ["training mode"] },
        { "missing-external-data", ["weights.bin"] },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void BrokenModel_Exits3_NamingWhatIsWrong(string name, string[] expected)
    {
        using var dir = new TempDirectory();
        var model = Write(name, dir);

        var (code, _, log) = Scan(model, dir.File("out"));

        Assert.True(code == 3, $"exit {code}: {log}");
        Assert.StartsWith("onnxcd: ", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        foreach (var text in expected)
        {
            Assert.Contains(text, log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SoftmaxOutput_IsScannedWithAWarning()
    {
        using var dir = new TempDirectory();
        var model = Write("softmax-output", dir);

        var (code, _, log) = Scan(model, dir.File("out"));

        Assert.True(code == 0, log);
        Assert.Contains("comes from a Softmax", log, StringComparison.Ordinal);
    }

    [Fact]
    public void FixedBatchModel_RunsInChunksOfItsBatch_WithTheSameScoresAsTheDynamicModel()
    {
        using var dir = new TempDirectory();
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ShippedSamples.ModelPath));
        foreach (var value in proto.Graph.Input.Concat(proto.Graph.Output))
        {
            value.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = 4 };
        }

        File.WriteAllBytes(dir.File("fixed.onnx"), proto.ToByteArray());

        var (code, _, log) = Scan(dir.File("fixed.onnx"), dir.File("fixed"));
        Assert.True(code == 0, log);
        (code, _, log) = Scan(ShippedSamples.ModelPath, dir.File("dynamic"));
        Assert.True(code == 0, log);

        var fixedScores = ScoresOf(dir.File("fixed"));
        var dynamicScores = ScoresOf(dir.File("dynamic"));
        Assert.Equal(16, fixedScores.Length);
        for (var i = 0; i < 16; i++)
        {
            // Same noise per sample and per-sample losses; only the batch size of the kernels differs.
            Assert.True(Math.Abs(fixedScores[i] - dynamicScores[i]) <= 1e-3 * dynamicScores[i], $"sample {i}: {fixedScores[i]} vs {dynamicScores[i]}");
        }
    }

    private static (int Code, string Output, string Log) Scan(string model, string folder) =>
        CliRunner.Run("scan", "--model", model, "--data", ShippedSamples.ImagesPath, "--steps", "5", "--batch-size", "6", "--threads", "1", "--out", folder);

    private static double[] ScoresOf(string folder) =>
        File.ReadLines(Path.Combine(folder, "scores.csv")).Skip(1)
            .Select(l => l.Split(','))
            .OrderBy(f => long.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture))
            .Select(f => double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    private static string Write(string name, TempDirectory dir)
    {
        var path = dir.File(name + ".onnx");
        var shipped = File.ReadAllBytes(ShippedSamples.ModelPath);
        switch (name)
        {
            case "not-onnx":
                File.WriteAllText(path, "<html>not a model</html>");
                break;
            case "truncated":
                File.WriteAllBytes(path, shipped[..(shipped.Length / 2)]);
                break;
            case "missing-external-data":
                var proto = ModelProto.Parser.ParseFrom(shipped);
                var tensor = proto.Graph.Initializer.OrderByDescending(t => t.RawData.Length).First();
                tensor.RawData = ByteString.Empty;
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
                File.WriteAllBytes(path, proto.ToByteArray());
                break;
            default:
                SmallModel(name).Save(path);
                break;
        }

        return path;
    }

    /// <summary>A tiny image classifier on [N,1,28,28] with one flaw.</summary>
    private static OnnxModel SmallModel(string name)
    {
        var g = new TestGraph();
        if (name == "rank-2-input")
        {
            g.Output(g.Node("Relu", [g.Input("x", [1, 784], dynamicBatch: true)]));
            return g.Build();
        }

        var x = g.Input("x", [1, 1, 28, 28], dynamicBatch: true);
        var features = name switch
        {
            "unsupported-ops" => g.Node("MeanVarianceNormalization", [g.Node("MeanVarianceNormalization", [x])]),
            "training-batchnorm" => g.Node("BatchNormalization", [x, g.Constant([1], [1]), g.Constant([0], [1]), g.Constant([0], [1]), g.Constant([1], [1])], Int("training_mode", 1)),
            _ => g.Node("Relu", [x]),
        };
        var logits = g.Node("Flatten", [g.Node("GlobalAveragePool", [g.Node("Conv", [features, g.Constant(Enumerable.Repeat(0.1, 27).ToArray(), [3, 1, 3, 3])])])]);
        g.Output(name switch
        {
            "int-output" => g.Node("ArgMax", [logits], Int("axis", 1)),
            "softmax-output" => g.Node("Softmax", [logits]),
            _ => logits,
        });
        return g.Build();
    }
}
