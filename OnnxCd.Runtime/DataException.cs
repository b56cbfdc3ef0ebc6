namespace OnnxCd.Runtime;

/// <summary>
/// Input data that cannot be read or does not fit the model (wrong dtype, shape or range). The
/// message names the file and the value at fault. The command line maps it to exit code 4.
/// </summary>
public class DataException : OnnxCdException
{
    /// <summary>Creates the exception with a message that names the file and the value.</summary>
    public DataException(string message)
        : base(message, null)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public DataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message that points to settings (<see cref="Setting.Message"/>).</summary>
    public DataException(FormattableString text, Exception? innerException = null)
        : base(text, innerException)
    {
    }
}
