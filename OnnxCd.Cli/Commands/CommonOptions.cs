using CommandLine;

namespace OnnxCd.Cli.Commands;

/// <summary>Options every verb takes.</summary>
internal abstract class CommonOptions
{
    [Option("verbose", HelpText = "Print stack traces of failures.")]
    public bool Verbose { get; set; }
}
