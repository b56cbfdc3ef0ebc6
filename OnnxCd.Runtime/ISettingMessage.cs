namespace OnnxCd.Runtime;

/// <summary>An error whose message may point to settings: <see cref="Text"/> keeps them as <see cref="Setting"/> values, for a front end to name its own way.</summary>
public interface ISettingMessage
{
    /// <summary>The message as a format and its values; its plain form is <see cref="Exception.Message"/>.</summary>
    FormattableString Text { get; }
}
