using System.Globalization;
using OnnxCd.Runtime.Execution;

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

    /// <summary>--probe-memory in bytes: a number with an optional binary unit K, M, G or T (for example 8G or 1.5T); the library's default when absent.</summary>
    public static long ProbeMemory(IProbeOptions o)
    {
        if (o.ProbeMemory is not { } text)
        {
            return ModelProbe.DefaultMemoryLimit;
        }

        var trimmed = text.Trim();
        var unit = trimmed.Length > 0 ? "KMGT".IndexOf(char.ToUpperInvariant(trimmed[^1]), StringComparison.Ordinal) + 1 : 0;
        var number = unit > 0 ? trimmed[..^1] : trimmed;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value * Math.Pow(1024, unit) is not (>= 1 and <= long.MaxValue / 2))
        {
            throw new UsageException($"--probe-memory '{text}' is not valid; give a size such as 8G, 512M or 1.5T (binary units K, M, G, T; bytes without a unit).");
        }

        return (long)(value * Math.Pow(1024, unit));
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
