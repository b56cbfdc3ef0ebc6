using System.Runtime.CompilerServices;

namespace OnnxCd.Runtime;

/// <summary>What <see cref="ModelException"/> and <see cref="DataException"/> share: a message that may point to settings (<see cref="ISettingMessage"/>).</summary>
public abstract class OnnxCdException : Exception, ISettingMessage
{
    /// <summary>Creates the exception with a plain message.</summary>
    protected OnnxCdException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Text = FormattableStringFactory.Create("{0}", message);
    }

    /// <summary>Creates the exception with a message that points to settings (<see cref="Setting.Message"/>).</summary>
    protected OnnxCdException(FormattableString text, Exception? innerException)
        : base(text?.ToString(), innerException)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
    }

    /// <inheritdoc/>
    public FormattableString Text { get; }
}
