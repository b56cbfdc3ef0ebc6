using CommandLine;
using OnnxCd.Cli.Commands;
using OnnxCd.Runtime;

namespace OnnxCd.Cli;

/// <summary>The <c>onnxcd</c> command: one verb per file in Commands/, one place that maps failures to exit codes.</summary>
internal static class Program
{
    public static int Main(string[] args) => Execute(args, Console.Out, Console.Error);

    /// <summary>Parses <paramref name="args"/>, runs the verb and returns the exit code; all text goes to the given writers.</summary>
    internal static int Execute(string[] args, TextWriter output, TextWriter log)
    {
        // DESIGN.md spells the threshold parameter --k; CommandLineParser allows one-letter names only as -k.
        args = args.Select(a => a == "--k" ? "-k" : a.StartsWith("--k=", StringComparison.Ordinal) ? "-k" + a[4..] : a).ToArray();
        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = log;
            settings.CaseInsensitiveEnumValues = true;
        });
        return parser.ParseArguments<InspectOptions, VjpOptions, DistillOptions, ScanOptions, MergeOptions, PredictOptions, CompileOptions, BenchOptions>(args).MapResult(
            (InspectOptions o) => Run(o, log, () => InspectCommand.Run(o, output)),
            (VjpOptions o) => Run(o, log, () => VjpCommand.Run(o, output, log)),
            (DistillOptions o) => Run(o, log, () => DistillCommand.Run(o, output, log)),
            (ScanOptions o) => Run(o, log, () => ScanCommand.Run(o, output, log)),
            (MergeOptions o) => Run(o, log, () => MergeCommand.Run(o, output)),
            (PredictOptions o) => Run(o, log, () => PredictCommand.Run(o, output)),
            (CompileOptions o) => Run(o, log, () => CompileCommand.Run(o, output, log)),
            (BenchOptions o) => Run(o, log, () => BenchCommand.Run(o, output, log)),
            errors => errors.IsHelp() || errors.IsVersion() ? ExitCodes.Ok : ExitCodes.Usage);
    }

    /// <summary>Runs a verb; prints a failure's message (and with --verbose its stack trace) and returns its exit code.</summary>
    private static int Run(CommonOptions options, TextWriter log, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (ExitCodeOf(e) is var code)
        {
            log.WriteLine($"onnxcd: {SettingFlags.Message(e)}");
            if (options.Verbose)
            {
                log.WriteLine(e);
            }
            else if (code == ExitCodes.Failure)
            {
                log.WriteLine("(run with --verbose for details)");
            }

            return code;
        }
    }

    private static int ExitCodeOf(Exception e) => e switch
    {
        UsageException or ArgumentException => ExitCodes.Usage,
        ModelException => ExitCodes.ModelNotSupported,
        DataException => ExitCodes.DataError,
        _ => ExitCodes.Failure,
    };
}
