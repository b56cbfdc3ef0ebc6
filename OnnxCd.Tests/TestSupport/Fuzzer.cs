using System.Diagnostics;
using System.Globalization;

namespace OnnxCd.Tests.TestSupport;

/// <summary>What a fuzzing run did: how many inputs it tried, the longest one took, and each failure with the input's number (rerun it with the same seed to reproduce).</summary>
internal sealed record FuzzOutcome(int Inputs, TimeSpan Slowest, IReadOnlyList<string> Failures);

/// <summary>
/// Runs a target on a fixed number of mutated inputs. Input i is made by <see cref="Random"/>
/// seeded with (seed, i), so a run checks the same inputs on every machine however busy it is, and
/// a failure reproduces from its number. A failure is an exception the target lets out, or an input
/// still running after <see cref="HangLimit"/>. For long runs by hand, <c>ONNXCD_FUZZ_SECONDS</c>
/// replaces the count by a time budget (inputs 0, 1, 2, … until it is spent). A failing input is
/// kept under the temp folder's <c>onnxcd-fuzz-failures</c>, named in the failure; the input in
/// progress is written there before it runs, so even a process that dies on it leaves it behind.
/// </summary>
internal static class Fuzzer
{
    /// <summary>
    /// How long one input may run before it counts as a hang. Far beyond any input's cost (the
    /// slowest of thousands takes about 2 s on a loaded 2-core machine, since the shape probe refuses
    /// oversized models before they run): only a true hang reaches it, however busy the machine.
    /// </summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(10);

    /// <summary>Runs <paramref name="target"/> on <paramref name="count"/> inputs of <paramref name="make"/>; <paramref name="name"/> names the kept inputs.</summary>
    public static FuzzOutcome Run(string name, int seed, int count, Func<Random, byte[]> make, Action<byte[]> target)
    {
        var budget = Environment.GetEnvironmentVariable("ONNXCD_FUZZ_SECONDS") is { } text ? TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)) : (TimeSpan?)null;
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        var inputs = 0;
        var slowest = TimeSpan.Zero;
        for (; (budget is { } b ? clock.Elapsed < b : inputs < count) && failures.Count < 5; inputs++)
        {
            var input = make(new Random((seed * 1_000_003) + inputs));
            var kept = Keep(input, name, seed, inputs);
            var started = clock.Elapsed;
            var run = Task.Run(() => target(input));
            try
            {
                if (!run.Wait(HangLimit))
                {
                    failures.Add($"input {inputs} (seed {seed}, kept as {kept}): still running after {HangLimit.TotalMinutes} minutes");
                    break;
                }

                File.Delete(kept);
            }
            catch (AggregateException e)
            {
                failures.Add($"input {inputs} (seed {seed}, kept as {kept}): {e.InnerException}");
            }

            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, (clock.Elapsed - started).Ticks));
        }

        return new FuzzOutcome(inputs, slowest, failures);
    }

    private static string Keep(byte[] input, string name, int seed, int number)
    {
        var folder = Path.Combine(Path.GetTempPath(), "onnxcd-fuzz-failures");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{name}-seed{seed}-input{number}.bin");
        File.WriteAllBytes(path, input);
        return path;
    }
}
