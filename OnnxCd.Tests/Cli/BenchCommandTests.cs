using System.Text.Json;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

public sealed class BenchCommandTests
{
    [Fact]
    public void Bench_Json_ReportsEveryBatchSize_WithRatesThatAgree()
    {
        var (code, output, log) = CliRunner.Run("bench", "--model", ShippedSamples.ModelPath, "--batch-sizes", "2,5", "--steps", "3", "--repeat", "1", "--peak-size", "128", "--json");

        Assert.True(code == 0, log);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("CPUExecutionProvider", root.GetProperty("provider").GetString());
        Assert.True(root.GetProperty("matMulPeakGflops").GetDouble() > 0);
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([2, 5], results.Select(r => r.GetProperty("batchSize").GetInt32()));
        foreach (var r in results)
        {
            var seconds = r.GetProperty("seconds").GetDouble();
            Assert.Equal(r.GetProperty("batchSize").GetInt32() / seconds, r.GetProperty("imagesPerSecond").GetDouble(), 6);
            Assert.Equal(3 / seconds, r.GetProperty("stepsPerSecond").GetDouble(), 6);
            Assert.True(r.GetProperty("gflops").GetDouble() > 0);
        }
    }

    [Fact]
    public void BadBatchSizes_AreAUsageError()
    {
        var (code, _, log) = CliRunner.Run("bench", "--model", ShippedSamples.ModelPath, "--batch-sizes", "4,0");

        Assert.Equal(2, code);
        Assert.Contains("--batch-sizes '4,0'", log, StringComparison.Ordinal);
    }
}
