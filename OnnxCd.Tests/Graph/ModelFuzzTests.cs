using Onnx;
using OnnxCd.Tests.Cli;
using OnnxCd.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Graph;

/// <summary>
/// Damaged models, fuzzed for a bounded time through the command line (in-process): <c>inspect</c>
/// and a two-step <c>distill</c> must answer 0, 3 (model not supported) or 4 (data error) with a
/// message; exit 1 would mean an exception OnnxCd did not expect, and a crash or hang fails the run.
/// </summary>
public sealed class ModelFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_perInput = TimeSpan.FromSeconds(60);
    private static readonly byte[] s_model = File.ReadAllBytes(ShippedSamples.ModelPath);

    [Fact]
    public void MutatedBytes_AreRefusedOrInspected()
    {
        Fuzz(7, random => ByteMutator.Mutate(s_model, random), distill: false);
    }

    [Fact]
    public void MutatedGraphs_AreRefusedOrRun()
    {
        var seed = ModelProto.Parser.ParseFrom(s_model);
        Fuzz(11, random => ModelMutator.Mutate(seed, random), distill: true);
    }

    private void Fuzz(int seed, Func<Random, byte[]> make, bool distill)
    {
        using var dir = new TempDirectory();
        var count = 0;
        var outcome = Fuzzer.Run(seed, 12, s_perInput, make, bytes =>
        {
            var path = dir.File($"{Interlocked.Increment(ref count)}.onnx");
            File.WriteAllBytes(path, bytes);
            var (code, _, log) = CliRunner.Run("inspect", path);
            Assert.True(code is 0 or 3 or 4, $"inspect exit {code}: {log}");
            Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
            if (distill && code == 0)
            {
                (code, _, log) = CliRunner.Run("distill", "--model", path, "--input", ShippedSamples.ImagesPath, "--steps", "2", "--threads", "1", "--out", dir.File($"{count}-out"));
                Assert.True(code is 0 or 3 or 4, $"distill exit {code}: {log}");
            }

            File.Delete(path);
            if (Directory.Exists(dir.File($"{count}-out")))
            {
                Directory.Delete(dir.File($"{count}-out"), recursive: true);
            }
        });

        output.WriteLine($"{outcome.Inputs} mutated models, the slowest {outcome.Slowest.TotalMilliseconds:F0} ms");
        Assert.True(outcome.Failures.Count == 0, string.Join("\n\n", outcome.Failures));
        Assert.True(outcome.Inputs >= 10, $"only {outcome.Inputs} models were tried");
    }
}
