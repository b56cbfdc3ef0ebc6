using System.Globalization;
using OnnxCd.Runtime;

namespace OnnxCd.Cli;

/// <summary>The command line's name for each library setting a message points to: its flag. The one place library messages meet flags.</summary>
internal static class SettingFlags
{
    private static readonly Dictionary<Setting, string> s_flags = new()
    {
        [Setting.Output] = "--output",
        [Setting.Feature] = "--feature",
        [Setting.Normalisation] = "--mean/--std",
        [Setting.Steps] = "--steps",
        [Setting.LearningRate] = "--lr",
        [Setting.Alpha] = "--alpha",
        [Setting.Beta] = "--beta",
        [Setting.Epsilon] = "--eps",
        [Setting.Mean] = "--mean",
        [Setting.Std] = "--std",
        [Setting.InputSize] = "--input-size",
        [Setting.ProbeMemory] = "--probe-memory",
        [Setting.Resume] = "--resume",
        [Setting.OutputFolder] = "--out",
        [Setting.Threshold] = "--threshold",
        [Setting.ThresholdParameter] = "--k",
        [Setting.Reference] = "--reference",
        [Setting.FeatureSplit] = "--feature-split",
        [Setting.Detectors] = "--detectors",
        [Setting.StripOverlays] = "--strip-overlays",
        [Setting.TruthKind] = "--truth-kind",
        [Setting.Labels] = "--labels",
        [Setting.Format] = "--format",
        [Setting.Sessions] = "--sessions",
        [Setting.Shard] = "--shard",
        [Setting.Suspicion] = "--score",
    };

    /// <summary>The flag of <paramref name="setting"/>, or its library name when no flag sets it.</summary>
    public static string Flag(Setting setting) => s_flags.GetValueOrDefault(setting, setting.Name);

    /// <summary>The message of <paramref name="error"/> with every setting it points to named by its flag.</summary>
    public static string Message(Exception error) => error is ISettingMessage message ? Message(message) : error.Message;

    /// <summary>The text of <paramref name="message"/> with every setting it points to named by its flag.</summary>
    public static string Message(ISettingMessage message) => Render(message.Text);

    private static string Render(FormattableString text) => string.Format(
        CultureInfo.CurrentCulture,
        text.Format,
        text.GetArguments().Select(a => a switch { Setting s => Flag(s), FormattableString inner => Render(inner), _ => a }).ToArray());
}
