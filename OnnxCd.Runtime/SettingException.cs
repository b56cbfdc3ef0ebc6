namespace OnnxCd.Runtime;

/// <summary>A setting's value that is not valid; the message names the setting, the value and what would be valid. The command line maps it to exit code 2.</summary>
public sealed class SettingException : ArgumentException, ISettingMessage
{
    /// <summary>Creates the exception; <paramref name="text"/> names the setting as a <see cref="Setting"/> value.</summary>
    public SettingException(FormattableString text)
        : base(text?.ToString())
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
    }

    /// <inheritdoc/>
    public FormattableString Text { get; }
}
