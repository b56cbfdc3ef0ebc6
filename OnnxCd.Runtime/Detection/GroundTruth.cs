using System.Globalization;
using OnnxCd.Runtime.Data;

namespace OnnxCd.Runtime.Detection;

/// <summary>
/// Which samples are poisoned (true = poisoned), read from a file of either an index list (the
/// poisoned samples' indices, like the original code's train_poison_idx.npy) or an indicator array
/// (one 0/1 or boolean per sample, 1 = poisoned, like BackdoorBench's poison_indicator).
/// </summary>
/// <param name="Poisoned">One flag per sample.</param>
/// <param name="Interpretation">How the file was read, for reports.</param>
public sealed record GroundTruth(bool[] Poisoned, string Interpretation)
{
    /// <summary>The ways a truth file can be read (<see cref="Setting.TruthKind"/>).</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["auto", "indices", "indicator"];

    /// <summary>
    /// Reads <paramref name="path"/> (.npy of integers or bools, or text with one value per line or
    /// separated by commas or spaces) for a dataset of <paramref name="count"/> samples. An array of
    /// exactly <paramref name="count"/> values that are all 0 or 1 is an indicator; anything else is an
    /// index list, unless <paramref name="kind"/> ("indices" or "indicator") says which.
    /// </summary>
    /// <exception cref="DataException">The file cannot be read, or does not fit the dataset.</exception>
    public static GroundTruth Load(string path, long count, string kind = "auto")
    {
        var values = Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase)
            ? NpyFile.Read(path).ToIntegers(path)
            : ReadText(path);
        var indicator = kind switch
        {
            "indicator" => true,
            "indices" => false,
            "auto" when values.LongLength != count && values.Length > 2 && values.All(v => v is 0 or 1) =>
                throw new DataException(Setting.Message($"Truth '{path}' holds {values.Length} values, all 0 or 1: a 0/1 indicator, but the dataset has {count} samples and an indicator needs one value per sample. If it is a list of poisoned indices, say so with {Setting.TruthKind} indices.")),
            "auto" => values.LongLength == count && values.All(v => v is 0 or 1),
            _ => throw new SettingException($"{Setting.TruthKind} '{kind}' is not valid; use {string.Join(", ", Kinds.SkipLast(1))} or {Kinds[^1]}."),
        };

        var poisoned = new bool[count];
        if (indicator)
        {
            if (values.LongLength != count || values.Any(v => v is not (0 or 1)))
            {
                throw new DataException($"Truth '{path}' read as an indicator must hold {count} values of 0 or 1 (one per sample); it holds {values.Length} values.");
            }

            for (var i = 0; i < count; i++)
            {
                poisoned[i] = values[i] == 1;
            }

            return new GroundTruth(poisoned, $"indicator array of {count} values, 1 = poisoned ({poisoned.Count(p => p)} poisoned)");
        }

        foreach (var index in values)
        {
            if (index < 0 || index >= count)
            {
                throw new DataException($"Truth '{path}' read as an index list holds index {index}, outside the dataset's {count} samples (valid: 0 to {count - 1}).");
            }

            if (poisoned[index])
            {
                throw new DataException($"Truth '{path}' read as an index list names sample {index} twice.");
            }

            poisoned[index] = true;
        }

        return new GroundTruth(poisoned, $"index list of {values.Length} poisoned samples out of {count}");
    }

    private static long[] ReadText(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"Cannot read truth file '{path}': {e.Message}", e);
        }

        var tokens = text.Split([',', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        return tokens.Select((t, i) => t.ToLowerInvariant() switch
        {
            "true" => 1L,
            "false" => 0L,
            _ => long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new DataException($"Truth file '{path}' holds '{t}' (value {i + 1}); it must hold integers or true/false."),
        }).ToArray();
    }
}
