namespace OnnxCd.Cli;

/// <summary>The exit codes of <c>onnxcd</c> (DESIGN.md, command line).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int ModelNotSupported = 3;
    public const int DataError = 4;
}
