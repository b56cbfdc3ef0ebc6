using OnnxCd.Runtime;

namespace OnnxCd.Tests.TestSupport;

/// <summary>The settings a library error points to (the values of its <see cref="ISettingMessage.Text"/>, nested texts included).</summary>
internal static class SettingsNamed
{
    public static IReadOnlyList<Setting> In(Exception error) =>
        error is ISettingMessage message ? In(message.Text).ToList() : [];

    private static IEnumerable<Setting> In(FormattableString text) =>
        text.GetArguments().SelectMany(a => a switch { Setting s => [s], FormattableString inner => In(inner), _ => Enumerable.Empty<Setting>() });
}
