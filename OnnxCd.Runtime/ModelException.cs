namespace OnnxCd.Runtime;

/// <summary>
/// A model that cannot be read or that OnnxCd cannot work with. The message names the file, node
/// or tensor at fault and what would be valid. The command line maps it to exit code 3.
/// </summary>
public class ModelException : OnnxCdException
{
    /// <summary>Creates the exception with a message that names the culprit.</summary>
    public ModelException(string message)
        : base(message, null)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message that points to settings (<see cref="Setting.Message"/>).</summary>
    public ModelException(FormattableString text, Exception? innerException = null)
        : base(text, innerException)
    {
    }
}
