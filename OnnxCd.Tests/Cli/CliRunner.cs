using OnnxCd.Cli;

namespace OnnxCd.Tests.Cli;

/// <summary>Runs <c>onnxcd</c> in-process and captures its exit code, standard output and log.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Log) Run(params string[] args)
    {
        var output = new StringWriter();
        var log = new StringWriter();
        var code = Program.Execute(args, output, log);
        return (code, output.ToString(), log.ToString());
    }
}
