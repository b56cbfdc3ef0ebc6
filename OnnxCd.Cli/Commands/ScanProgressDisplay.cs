using OnnxCd.Runtime.Scanning;
using Spectre.Console;

namespace OnnxCd.Cli.Commands;

/// <summary>Shows a scan's progress: a bar with rate and ETA on a terminal, plain periodic lines otherwise (logs, CI, pipes).</summary>
internal static class ScanProgressDisplay
{
    public static T Run<T>(TextWriter log, Func<Action<ScanProgress>, T> work)
    {
        var interactive = ReferenceEquals(log, Console.Error) && !Console.IsErrorRedirected;
        if (!interactive)
        {
            ProgressLines? lines = null;
            string? stage = null;
            return work(p =>
            {
                if (p.Stage != stage)
                {
                    (stage, lines) = (p.Stage, new ProgressLines(log, p.Stage, p.Total));
                }

                lines!.Report(p.Done);
            });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn { Base = FileSizeBase.Decimal }, new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                return work(p =>
                {
                    if (!tasks.TryGetValue(p.Stage, out var task))
                    {
                        tasks[p.Stage] = task = context.AddTask(p.Stage, maxValue: Math.Max(1, p.Total));
                    }

                    task.Value = p.Done;
                    task.Description = p.Errors > 0 ? $"{p.Stage} ({p.Errors} unreadable)" : p.Stage;
                });
            });
    }
}
