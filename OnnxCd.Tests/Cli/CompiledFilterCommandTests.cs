using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Compilation;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

/// <summary>
/// <c>compile --reference</c> against <c>scan --threshold reference</c> on the same data, the same
/// clean reference, the same rule and the same noise (scan replays the colours that the compiled
/// model draws from seed = index): the compiled filter's <c>flagged</c> equals scan's flags, in
/// OnnxCd's ONNX Runtime and in onnxruntime-node.
/// </summary>
public sealed class CompiledFilterCommandTests(CompiledFilterCommandTests.Setup setup) : IClassFixture<CompiledFilterCommandTests.Setup>
{
    [Fact]
    public void CompiledFilter_InOnnxRuntime_FlagsExactlyWhatScanFlags()
    {
        using var session = new InferenceSession(setup.Compiled);
        var images = setup.Images();
        using var results = session.Run(new RunOptions(), [CompiledNames.Images, CompiledNames.Seed],
            [OrtValue.CreateTensorValueFromMemory(images.Floats, images.Shape), OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, Setup.Count).Select(i => (long)i).ToArray(), [Setup.Count])],
            [CompiledNames.Flagged]);
        var flagged = results[0].GetTensorDataAsSpan<bool>().ToArray();

        Assert.Equal(setup.ScanFlags, flagged);
        Assert.Contains(true, flagged);
        Assert.Contains(false, flagged);
    }

    [NodeRuntimeFact]
    public void CompiledFilter_InOnnxRuntimeNode_FlagsExactlyWhatScanFlags()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("in"));
        NpyFile.Write(dir.File("in/images.npy"), setup.Images());
        NpyFile.Write(dir.File("in/seed.npy"), NpyArray.Of(Enumerable.Range(0, Setup.Count).Select(i => (long)i).ToArray(), Setup.Count));

        var (code, log) = NodeRuntime.Run(setup.Compiled, dir.File("in"), dir.File("out"));

        Assert.True(code == 0, log);
        var flagged = NpyFile.Read(dir.File("out/flagged.npy"));
        Assert.Equal(NpyType.Bool, flagged.Type);
        Assert.Equal(setup.ScanFlags, flagged.Bytes.Select(b => b != 0).ToArray());
    }

    [Fact]
    public void TheRule_IsScansRule_AndIsRecordedInTheMetadataAndTheTritonConfig()
    {
        var metadata = OnnxModel.Load(setup.Compiled).Metadata;
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(setup.Folder, "scan", "summary.json")))!["summary"]!;
        var scanThreshold = (double)summary["threshold"]!["value"]!;
        var threshold = double.Parse(metadata["onnxcd.compiled.filter.threshold"], System.Globalization.CultureInfo.InvariantCulture);

        // The same rule over the same clean images: the two runtimes' L1 differ in the last bits only.
        Assert.Equal(scanThreshold, threshold, Math.Abs(scanThreshold) * 1e-5);
        Assert.Equal((string)summary["threshold"]!["rule"]!, metadata["onnxcd.compiled.filter.rule"][(metadata["onnxcd.compiled.filter.rule"].IndexOf(": ", StringComparison.Ordinal) + 2)..]);
        Assert.Equal("flagged = l1 < cutoff", metadata["onnxcd.compiled.filter.output"]);
        var config = File.ReadAllText(Path.Combine(setup.Folder, "triton", "filter", "config.pbtxt"));
        Assert.Contains("name: \"flagged\"\n    data_type: TYPE_BOOL", config, StringComparison.Ordinal);
        Assert.Contains($"key: \"onnxcd.compiled.filter.threshold\"\n  value: {{ string_value: \"{metadata["onnxcd.compiled.filter.threshold"]}\" }}", config, StringComparison.Ordinal);
        Assert.Contains(setup.CompileOutput.Split('\n'), line => line.StartsWith("Filter        flagged = suspicion (l1) > ", StringComparison.Ordinal));
    }

    [Fact]
    public void WithAReference_CompileTakesScansDefaultMode_WithClassRelativeSuspicion_AndRefusesSizeAndShape()
    {
        using var dir = new TempDirectory();
        var (code, output, log) = CliRunner.Run("compile", "--model", ShippedSamples.ModelPath, "--steps", "3", "--reference", ShippedSamples.ImagesPath, "--out", dir.File("m.onnx"));
        // A compiled filter judges each image alone: the scan's size-and-shape suspicion compares masks across a scan.
        var (shapeCode, _, shapeLog) = CliRunner.Run("compile", "--model", ShippedSamples.ModelPath, "--steps", "3", "--reference", ShippedSamples.ImagesPath, "--score", "size-shape", "--out", dir.File("s.onnx"));

        Assert.True(code == 0, log);
        var metadata = OnnxModel.Load(dir.File("m.onnx")).Metadata;
        Assert.Equal("probs", metadata["onnxcd.compiled.mode"]);
        Assert.StartsWith("class-relative", metadata["onnxcd.compiled.filter.suspicion"], StringComparison.Ordinal);
        Assert.Equal(10, metadata["onnxcd.compiled.filter.cutoffs"].Split(',').Length);
        Assert.Contains("flagged = l1 < cutoffs[argmax logits]", metadata["onnxcd.compiled.filter.output"], StringComparison.Ordinal);
        Assert.Contains("the rule flags", output, StringComparison.Ordinal);
        Assert.Equal(2, shapeCode);
        Assert.Contains("class-relative", shapeLog, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("s.onnx")));
    }

    [Fact]
    public void FilterOptionsWithoutAReference_OrWithTheNoiseInput_AreUsageErrors_ThatSayWhy()
    {
        using var dir = new TempDirectory();
        var (noReferenceCode, _, noReferenceLog) = CliRunner.Run("compile", "--model", ShippedSamples.ModelPath, "--out", dir.File("m.onnx"), "--threshold", "quantile");
        var (noiseCode, _, noiseLog) = CliRunner.Run("compile", "--model", ShippedSamples.ModelPath, "--out", dir.File("m.onnx"), "--noise-input", "--reference", ShippedSamples.ImagesPath);

        Assert.Equal(2, noReferenceCode);
        Assert.Contains("give it with --reference", noReferenceLog, StringComparison.Ordinal);
        Assert.Equal(2, noiseCode);
        Assert.Contains("Leave out --noise-input", noiseLog, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("m.onnx")));
    }

    /// <summary>Compiles the BadNets model with a filter learned on clean images, and scans its first images with the same reference, rule and noise.</summary>
    public sealed class Setup : IDisposable
    {
        public const int Count = 120;
        private const int ReferenceCount = 160;
        private const int Steps = 30;
        private readonly TempDirectory _dir = new();

        public Setup()
        {
            var sets = Path.Combine(RepositoryPaths.OnnxModels, "scansets");
            var model = Path.Combine(RepositoryPaths.OnnxModels, "fmnist-badnets.onnx");
            Subset(Path.Combine(sets, "badnets-images.npy"), Count, _dir.File("images.npy"));
            Subset(Path.Combine(sets, "badnets-labels.npy"), Count, _dir.File("labels.npy"));
            Subset(Path.Combine(sets, "clean-images.npy"), ReferenceCount, _dir.File("reference.npy"));
            NpyFile.Write(_dir.File("noise.npy"), CompiledColours.ForIndices(Steps, ReferenceCount, channels: 1));

            var (compileCode, compileOutput, compileLog) = CliRunner.Run("compile", "--model", model, "--mode", "logits", "--steps", $"{Steps}", "--reference", _dir.File("reference.npy"), "--out", Compiled, "--triton", _dir.File("triton"), "--triton-name", "filter");
            Assert.True(compileCode == 0, compileLog);
            CompileOutput = compileOutput;
            var (scanCode, _, scanLog) = CliRunner.Run("scan", "--model", model, "--mode", "logits", "--steps", $"{Steps}", "--data", _dir.File("images.npy"), "--labels", _dir.File("labels.npy"),
                "--threshold", "reference", "--reference", _dir.File("reference.npy"), "--noise", _dir.File("noise.npy"), "--device", "cpu", "--out", _dir.File("scan"));
            Assert.True(scanCode == 0, scanLog);
            ScanFlags = File.ReadLines(_dir.File("scan/scores.csv")).Skip(1).Select(line => line.Split(',')[6] == "1").ToArray();
        }

        public string Folder => _dir.Path;

        public string Compiled => _dir.File("filter.cd.onnx");

        public string CompileOutput { get; }

        public bool[] ScanFlags { get; }

        /// <summary>The scanned images as the compiled model takes them: float32 [N,1,28,28] in [0,1].</summary>
        public NpyArray Images() => NpyArray.Of(NpyFile.Read(_dir.File("images.npy")).Bytes.Select(b => b / 255f).ToArray(), Count, 1, 28, 28);

        public void Dispose() => _dir.Dispose();

        private static void Subset(string path, int count, string destination)
        {
            var array = NpyFile.Read(path);
            var rest = array.Shape.Skip(1).ToArray();
            var size = (int)rest.Aggregate(1L, (a, b) => a * b);
            NpyFile.Write(destination, array.Type == NpyType.Int64
                ? NpyArray.Of(array.Longs[..(count * size)], [count, .. rest])
                : NpyArray.Of(array.Bytes[..(count * size)], [count, .. rest]));
        }
    }
}
