using System.Globalization;

namespace OnnxCd.Tests.TestSupport;

/// <summary>What a fuzzing run did: how many inputs it tried, and each failure with the input's number (rerun it with the same seed to reproduce).</summary>
internal sealed record FuzzOutcome(int Inputs, IReadOnlyList<string> Failures);

/// <summary>
/// Runs a target on a fixed number of mutated inputs, one after another. Input i is made by
/// <see cref="Random"/> seeded with (seed, i), so a run checks the same inputs on every machine
/// however busy it is, and a failure reproduces from its number. A failure is an exception the
/// target lets out; nothing is judged by the clock. Each input is written under the temp folder's
/// <c>onnxcd-fuzz-failures</c> before it runs and deleted once it passes, so a failing input, or
/// one that hangs or kills the test process, is left there, named in the failure. For long runs by
/// hand, <c>ONNXCD_FUZZ_INPUTS</c> replaces the count (inputs 0, 1, 2, … up to it).
/// </summary>
internal static class Fuzzer
{
    /// <summary>Runs <paramref name="target"/> on <paramref name="count"/> inputs of <paramref name="make"/>; <paramref name="name"/> names the kept inputs.</summary>
    public static FuzzOutcome Run(string name, int seed, int count, Func<Random, byte[]> make, Action<byte[]> target)
    {
        if (Environment.GetEnvironmentVariable("ONNXCD_FUZZ_INPUTS") is { } text)
        {
            count = int.Parse(text, CultureInfo.InvariantCulture);
        }

        var failures = new List<string>();
        var inputs = 0;
        for (; inputs < count && failures.Count < 5; inputs++)
        {
            var input = make(new Random((seed * 1_000_003) + inputs));
            var kept = Keep(input, name, seed, inputs);
            try
            {
                target(input);
                File.Delete(kept);
            }
            catch (Exception e)
            {
                failures.Add($"input {inputs} (seed {seed}, kept as {kept}): {e}");
            }
        }

        return new FuzzOutcome(inputs, failures);
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
