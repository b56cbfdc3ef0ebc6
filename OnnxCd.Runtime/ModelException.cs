using System.Runtime.CompilerServices;

namespace OnnxCd.Runtime;

/// <summary>
/// A model that cannot be read or that OnnxCd cannot work with. The message names the file, node
/// or tensor at fault and what would be valid. The command line maps it to exit code 3.
/// </summary>
public class ModelException : Exception, ISettingMessage
{
    /// <summary>Creates the exception with a message that names the culprit.</summary>
    public ModelException(string message)
        : base(message)
    {
        Text = FormattableStringFactory.Create("{0}", message);
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ModelException(string message, Exception innerException)
        : base(message, innerException)
    {
        Text = FormattableStringFactory.Create("{0}", message);
    }

    /// <summary>Creates the exception with a message that points to settings (<see cref="Setting.Message"/>).</summary>
    public ModelException(FormattableString text, Exception? innerException = null)
        : base(text?.ToString(), innerException)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
    }

    /// <inheritdoc/>
    public FormattableString Text { get; }
}
