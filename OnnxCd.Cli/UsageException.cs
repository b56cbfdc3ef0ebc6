namespace OnnxCd.Cli;

/// <summary>An option value that is out of range or malformed; the message gives the valid values. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
