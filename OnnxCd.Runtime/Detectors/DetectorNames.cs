namespace OnnxCd.Runtime.Detectors;

/// <summary>The short names of the detectors, as scores.csv's columns and summary.json name them.</summary>
public static class DetectorNames
{
    private static readonly (DetectorKind Kind, string Name)[] s_names =
    [
        (DetectorKind.Cd, "cd"),
        (DetectorKind.SpectralSignatures, "ss"),
        (DetectorKind.ActivationClustering, "ac"),
        (DetectorKind.Strip, "strip"),
        (DetectorKind.ScaleUp, "scaleup"),
        (DetectorKind.Combined, "combined"),
    ];

    /// <summary>Every short name, in the order the detectors are listed.</summary>
    public static IReadOnlyList<string> All { get; } = s_names.Select(n => n.Name).ToList();

    /// <summary>The short name of <paramref name="kind"/>.</summary>
    public static string Of(DetectorKind kind) => s_names.First(n => n.Kind == kind).Name;

    /// <summary>The detector a short name stands for (any case).</summary>
    /// <exception cref="SettingException">The name is none of <see cref="All"/>.</exception>
    public static DetectorKind Parse(string name) =>
        s_names.FirstOrDefault(n => string.Equals(n.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)) is { Name: not null } found
            ? found.Kind
            : throw new SettingException($"{Setting.Detectors} '{name}' is not a detector; use {string.Join(", ", All)}.");

    /// <summary>A comma-separated list of detectors, in the order given, without repeats.</summary>
    /// <exception cref="SettingException">A name is unknown, or the list leaves out CD, which is the scan the others are judged beside.</exception>
    public static IReadOnlyList<DetectorKind> ParseList(string list)
    {
        var kinds = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).Distinct().ToList();
        if (!kinds.Contains(DetectorKind.Cd))
        {
            throw new SettingException($"{Setting.Detectors} '{list}' leaves out cd: the scan is CD's, and the other detectors score its samples beside it; add cd (for example cd,ss,ac,strip,scaleup).");
        }

        if (kinds.Contains(DetectorKind.Combined) && kinds.Count < 3)
        {
            throw new SettingException($"{Setting.Detectors} '{list}': combined fuses the other detectors' ranks, so it needs at least two besides itself (for example cd,ss,combined).");
        }

        return kinds;
    }
}
