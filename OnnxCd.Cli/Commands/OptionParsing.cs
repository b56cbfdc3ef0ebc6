using System.Globalization;

namespace OnnxCd.Cli.Commands;

/// <summary>Parses option values that CommandLineParser takes as strings, with messages that give the valid form.</summary>
internal static class OptionParsing
{
    /// <summary>Parses <c>HxW</c> (or a single <c>S</c> for a square), both positive.</summary>
    public static long[]? InputSize(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split('x', 'X');
        var sizes = parts.Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();
        if (parts.Length is < 1 or > 2 || sizes.Any(s => s <= 0))
        {
            throw new UsageException($"--input-size '{text}' is not valid; give HxW with positive integers, for example 32x32 (or 32).");
        }

        return sizes.Length == 1 ? [sizes[0], sizes[0]] : sizes;
    }

    public static int Positive(int value, string option, int max = int.MaxValue) =>
        value >= 1 && value <= max ? value : throw new UsageException($"{option} {value} is out of range; give an integer from 1 to {max}.");

    /// <summary>The value of the choice named <paramref name="value"/> (case-insensitive, spaces trimmed).</summary>
    /// <exception cref="UsageException">No choice has that name; the message lists them.</exception>
    public static T Choice<T>(string value, string option, params (string Name, T Value)[] choices)
    {
        var key = value.Trim().ToLowerInvariant();
        return choices.FirstOrDefault(c => c.Name == key) is { Name: not null } found
            ? found.Value
            : throw new UsageException($"{option} {value} is not valid; it must be {string.Join(", ", choices[..^1].Select(c => c.Name))} or {choices[^1].Name}.");
    }

    /// <summary>Checks that <paramref name="value"/> is one of <paramref name="valid"/> (case-insensitive).</summary>
    public static void OneOf(string value, string option, IReadOnlyList<string> valid)
    {
        if (!valid.Contains(value.ToLowerInvariant()))
        {
            throw new UsageException($"{option} '{value}' is not valid; use {string.Join(", ", valid.Take(valid.Count - 1))} or {valid[^1]}.");
        }
    }
}
