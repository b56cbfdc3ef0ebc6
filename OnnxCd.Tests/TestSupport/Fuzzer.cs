using System.Diagnostics;
using System.Globalization;

namespace OnnxCd.Tests.TestSupport;

/// <summary>What a fuzzing run did: how many inputs it tried, the longest one took, and each failure with the input's number (rerun it with the same seed to reproduce).</summary>
internal sealed record FuzzOutcome(int Inputs, TimeSpan Slowest, IReadOnlyList<string> Failures);

/// <summary>
/// Runs a target on mutated inputs for a bounded time. Input i is made by <see cref="Random"/>
/// seeded with (seed, i), so a failure reproduces from its number. A failure is an exception the
/// target lets out, or an input that takes longer than the per-input limit (a hang). The time per
/// target is <c>ONNXCD_FUZZ_SECONDS</c> when set (for long runs by hand), else the given default.
/// A failing input is kept under the temp folder's <c>onnxcd-fuzz-failures</c>, named in the failure.
/// </summary>
internal static class Fuzzer
{
    public static FuzzOutcome Run(int seed, double defaultSeconds, TimeSpan perInput, Func<Random, byte[]> make, Action<byte[]> target)
    {
        var budget = TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("ONNXCD_FUZZ_SECONDS") is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : defaultSeconds);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        var inputs = 0;
        var slowest = TimeSpan.Zero;
        for (; clock.Elapsed < budget && failures.Count < 5; inputs++)
        {
            var input = make(new Random((seed * 1_000_003) + inputs));
            var started = clock.Elapsed;
            var run = Task.Run(() => target(input));
            try
            {
                if (!run.Wait(perInput))
                {
                    failures.Add($"input {inputs} (seed {seed}, kept as {Keep(input, seed, inputs)}): still running after {perInput.TotalSeconds} s");
                    break;
                }
            }
            catch (AggregateException e)
            {
                failures.Add($"input {inputs} (seed {seed}, kept as {Keep(input, seed, inputs)}): {e.InnerException}");
            }

            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, (clock.Elapsed - started).Ticks));
        }

        return new FuzzOutcome(inputs, slowest, failures);
    }

    private static string Keep(byte[] input, int seed, int number)
    {
        var folder = Path.Combine(Path.GetTempPath(), "onnxcd-fuzz-failures");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"seed{seed}-input{number}.bin");
        File.WriteAllBytes(path, input);
        return path;
    }
}
