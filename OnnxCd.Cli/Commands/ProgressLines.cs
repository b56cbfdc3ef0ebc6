using System.Diagnostics;

namespace OnnxCd.Cli.Commands;

/// <summary>Progress of long work as plain lines (at most one every few seconds), with rate and ETA.</summary>
internal sealed class ProgressLines(TextWriter log, string task, long total)
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(5);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.Zero;

    public void Report(long done)
    {
        var now = _clock.Elapsed;
        if (done < total && now - _last < s_interval)
        {
            return;
        }

        _last = now;
        var rate = done / Math.Max(now.TotalSeconds, 1e-9);
        var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        log.WriteLine($"{task}: {done}/{total} ({100.0 * done / Math.Max(total, 1):F0}%), {rate:F1}/s, ETA {eta:hh\\:mm\\:ss}");
    }
}
