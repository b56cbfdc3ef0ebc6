using System.Text.Json;
using OnnxCd.Runtime.Execution;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

public sealed class BenchCommandTests
{
    [Fact]
    public void Bench_Json_ReportsEveryBatchSize_WithRatesThatAgree()
    {
        var root = RunJson("--batch-sizes", "2,5", "--steps", "3", "--repeat", "1", "--peak-size", "128");
        Assert.Equal("CPUExecutionProvider", root.GetProperty("provider").GetString());
        Assert.Equal([DeviceNames.Cpu()], root.GetProperty("devices").EnumerateArray().Select(d => d.GetString()));
        Assert.True(root.GetProperty("matMulPeakGflops").GetDouble() > 0);
        Assert.False(root.GetProperty("tf32").GetBoolean());
        Assert.Equal("exhaustive", root.GetProperty("cudnnSearch").GetString());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([2, 5], results.Select(r => r.GetProperty("batchSize").GetInt32()));
        var fastest = results.MaxBy(r => r.GetProperty("imagesPerSecond").GetDouble()).GetProperty("batchSize").GetInt32();
        Assert.Equal(fastest, root.GetProperty("fastestBatchSize").GetInt32());
        foreach (var r in results)
        {
            var seconds = r.GetProperty("seconds").GetDouble();
            Assert.Equal(r.GetProperty("batchSize").GetInt32() / seconds, r.GetProperty("imagesPerSecond").GetDouble(), 6);
            Assert.Equal(3 / seconds, r.GetProperty("stepsPerSecond").GetDouble(), 6);
            Assert.True(r.GetProperty("gflops").GetDouble() > 0);
        }
    }

    [Fact]
    public void CudaNumerics_AreRecordedInTheReport()
    {
        var root = RunJson("--batch-sizes", "2", "--steps", "2", "--repeat", "1", "--peak-size", "64", "--tf32", "--cudnn-search", "Heuristic");
        Assert.True(root.GetProperty("tf32").GetBoolean());
        Assert.Equal("heuristic", root.GetProperty("cudnnSearch").GetString());
    }

    [Fact]
    public void TwoSessions_CountTheImagesOfBoth()
    {
        var root = RunJson("--batch-sizes", "3", "--steps", "2", "--repeat", "1", "--peak-size", "64", "--sessions", "2", "--threads", "1");
        Assert.Equal(2, root.GetProperty("sessions").GetInt32());
        Assert.Equal("CPUExecutionProvider ×2", root.GetProperty("provider").GetString());
        var row = root.GetProperty("results")[0];
        Assert.Equal(2 * 3 / row.GetProperty("seconds").GetDouble(), row.GetProperty("imagesPerSecond").GetDouble(), 6);
    }

    [Fact]
    public void Profile_WritesOneTracePerCdSession_WithEveryNodeRunAndItsProvider()
    {
        using var folder = new TempDirectory();
        RunJson("--batch-sizes", "2", "--steps", "3", "--repeat", "1", "--peak-size", "64", "--profile", Path.Combine(folder.Path, "p"));

        // The reference session and the step session; the MatMul peak is not profiled.
        var traces = Directory.GetFiles(folder.Path, "p-*.json").Order().ToList();
        Assert.Equal(2, traces.Count);
        var step = traces.Select(t => JsonDocument.Parse(File.ReadAllText(t)).RootElement.EnumerateArray()
            .Where(e => e.GetProperty("cat").GetString() == "Node").ToList()).MaxBy(nodes => nodes.Count)!;
        Assert.Contains(step, e => e.GetProperty("name").GetString()!.Contains("_Grad/", StringComparison.Ordinal));
        Assert.All(step, e => Assert.Equal("CPUExecutionProvider", e.GetProperty("args").GetProperty("provider").GetString()));
    }

    [Fact]
    public void Profile_InAFolderThatIsNotThere_IsAUsageError()
    {
        var (code, _, log) = CliRunner.Run("bench", "--model", ShippedSamples.ModelPath, "--profile", "/nonexistent-folder/p");

        Assert.Equal(2, code);
        Assert.Contains("--profile '/nonexistent-folder/p'", log, StringComparison.Ordinal);
    }

    [Fact]
    public void BadBatchSizes_AreAUsageError()
    {
        var (code, _, log) = CliRunner.Run("bench", "--model", ShippedSamples.ModelPath, "--batch-sizes", "4,0");

        Assert.Equal(2, code);
        Assert.Contains("--batch-sizes '4,0'", log, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>bench --json</c> on the shipped model with <paramref name="args"/>, checks it succeeded, and returns the report.</summary>
    internal static JsonElement RunJson(params string[] args)
    {
        var (code, output, log) = CliRunner.Run(["bench", "--model", ShippedSamples.ModelPath, "--json", .. args]);

        Assert.True(code == 0, log);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.Clone();
    }
}
