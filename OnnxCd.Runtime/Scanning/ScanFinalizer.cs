using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Reporting;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// Turns a complete journal into the scan's outputs: scores.csv with flags, summary.json,
/// unlearn.txt and safe.txt (the rank split), group-masks.npy (mean masks per class and per
/// group) and report.html. Everything is computed from the journal, so a resumed scan, or merged
/// shards, end with the same outputs as one uninterrupted scan.
/// </summary>
public static class ScanFinalizer
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the outputs of the scan in <paramref name="folder"/> and returns its summary.</summary>
    /// <param name="folder">The scan folder, holding a journal.</param>
    /// <param name="identity">What was scanned.</param>
    /// <param name="settings">The rule and split settings.</param>
    /// <param name="source">The dataset, for the report's pictures.</param>
    /// <param name="truth">The ground truth (<see cref="GroundTruth.Load"/> for the whole dataset), or null.</param>
    /// <param name="reference">Scores of the clean reference set, for the reference rule.</param>
    /// <param name="runs">The runs that produced the journal.</param>
    /// <exception cref="DataException">No sample could be scored.</exception>
    public static ScanSummary Finalize(string folder, ScanIdentity identity, ScanSettings settings, DatasetSource source, GroundTruth? truth, IReadOnlyList<double>? reference, IReadOnlyList<ScanRun> runs)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(source);
        var records = ScanJournal.ReadRecords(folder).Where(r => r.Index >= identity.SliceStart && r.Index < identity.SliceEnd).ToList();
        var errors = ScanJournal.ReadErrors(folder).Where(e => e.Index >= identity.SliceStart && e.Index < identity.SliceEnd).ToList();
        if (records.Count == 0)
        {
            throw new DataException($"No sample of '{identity.Data}' could be scored ({errors.Count} unreadable; reasons in {Path.Combine(folder, ScanJournal.ErrorsFile)}).");
        }

        var scores = records.Select(r => r.L1).ToList();
        var threshold = settings.Threshold.Compute(scores, reference);
        var flagged = scores.Select(threshold.Flags).ToList();
        var poisoned = truth is null ? null : records.Select(r => truth.Poisoned[r.Index]).ToList();
        var curve = poisoned is not null && poisoned.Contains(true) && poisoned.Contains(false) ? DetectionMetrics.Compute(scores, poisoned) : null;
        var metrics = curve is null ? null : new TruthMetrics(truth!.Interpretation, curve.Positives, curve.Negatives, curve.Auroc, curve.Auprc, curve.TprAtFpr, DetectionMetrics.ConfusionOf(scores, poisoned!, threshold));

        var (classesBy, classes) = Classes(records);
        var names = classesBy == "label" ? source.ClassNames : null;
        var statistics = classes is null ? [] : ClassStatistics.Compute(classes, scores, flagged, poisoned, names);
        var split = RankSplit.Compute(records.Select(r => r.Index).ToList(), scores, settings.UnlearnFraction, settings.SafeFraction);
        var groups = GroupMask.Compute(folder, identity, records, classes, statistics, flagged, poisoned);

        WriteScores(folder, records, flagged, poisoned);
        AtomicFile.WriteAllText(Path.Combine(folder, "unlearn.txt"), string.Concat(split.Unlearn.Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n")));
        AtomicFile.WriteAllText(Path.Combine(folder, "safe.txt"), string.Concat(split.Safe.Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n")));
        NpyFile.Write(Path.Combine(folder, "group-masks.npy"), NpyArray.Of(groups.SelectMany(g => g.Mask).ToArray(), groups.Count, 1, identity.Image[1], identity.Image[2]));

        var sorted = scores.Order().ToArray();
        var summary = new ScanSummary
        {
            Folder = folder,
            Scan = identity,
            DataDescription = source.Description,
            OnnxRuntime = OrtEnv.Instance().GetVersionString(),
            Runs = runs,
            Samples = identity.SliceEnd - identity.SliceStart,
            Scored = records.Count,
            Unreadable = errors.Count,
            Threshold = threshold,
            Flagged = flagged.Count(f => f),
            Scores = new Dictionary<string, double> { ["min"] = sorted[0], ["median"] = Statistics.Median(sorted), ["mean"] = sorted.Average(), ["max"] = sorted[^1] },
            Metrics = metrics,
            ClassesBy = classesBy,
            Classes = statistics,
            SuspectedTarget = SuspectedTarget.Find(statistics),
            RankSplit = new Dictionary<string, long> { ["unlearn"] = split.Unlearn.Count, ["safe"] = split.Safe.Count },
            Outputs = ["scores.csv", "summary.json", "report.html", "unlearn.txt", "safe.txt", "group-masks.npy", ScanJournal.JournalFile, ScanJournal.ErrorsFile, ScanJournal.MasksU8File, .. identity.SaveMasks ? new[] { ScanJournal.MasksFile } : []],
        };

        AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(new { Summary = summary, GroupMasks = groups.Select(g => g.Name) }, s_json));
        var grid = GridSamples(folder, identity, source, records, scores, poisoned, settings.GridSize);
        AtomicFile.WriteAllText(Path.Combine(folder, "report.html"), HtmlReport.Render(summary, scores, flagged, poisoned, curve, grid, groups, errors));
        return summary;
    }

    /// <summary>Classes by label when every scored sample has one, else by predicted label, else none.</summary>
    private static (string? By, List<long>? Classes) Classes(List<ScanRecord> records) =>
        records.All(r => r.Label is not null) ? ("label", records.Select(r => r.Label!.Value).ToList())
        : records.All(r => r.Predicted is not null) ? ("predicted label", records.Select(r => r.Predicted!.Value).ToList())
        : (null, null);

    private static void WriteScores(string folder, List<ScanRecord> records, List<bool> flagged, List<bool>? poisoned)
    {
        var invariant = CultureInfo.InvariantCulture;
        var path = Path.Combine(folder, "scores.csv");
        using (var writer = new StreamWriter(path + ".tmp"))
        {
            writer.Write("index,id,label,predicted,l1,flagged" + (poisoned is null ? "\n" : ",poisoned\n"));
            for (var i = 0; i < records.Count; i++)
            {
                var r = records[i];
                writer.Write(string.Join(
                    ",",
                    r.Index.ToString(invariant),
                    Csv.Field(r.Id),
                    r.Label?.ToString(invariant) ?? string.Empty,
                    r.Predicted?.ToString(invariant) ?? string.Empty,
                    r.L1.ToString("R", invariant),
                    flagged[i] ? "1" : "0") + (poisoned is null ? "\n" : poisoned[i] ? ",1\n" : ",0\n"));
            }
        }

        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The most and the least suspicious samples, with their images (read again from the data) and masks (from the journal).</summary>
    private static IReadOnlyList<GridSample> GridSamples(string folder, ScanIdentity identity, DatasetSource source, List<ScanRecord> records, List<double> scores, List<bool>? poisoned, int size)
    {
        var order = Enumerable.Range(0, records.Count).OrderBy(i => scores[i]).ThenBy(i => records[i].Index).ToArray();
        var count = Math.Min(size, order.Length / 2);
        var chosen = order.Take(count).Select(i => (i, true)).Concat(order.TakeLast(count).Reverse().Select(i => (i, false))).ToList();
        var byIndex = chosen.ToDictionary(c => records[c.i].Index, c => c);
        var images = new Dictionary<long, float[]>();
        if (byIndex.Count > 0)
        {
            foreach (var sample in source.Read(byIndex.Keys.Min(), byIndex.Keys.Max() + 1))
            {
                if (byIndex.ContainsKey(sample.Index) && sample.Pixels is not null)
                {
                    images[sample.Index] = sample.Pixels;
                }
            }
        }

        using var masks = new NpyRowReader(Path.Combine(folder, ScanJournal.MasksU8File));
        var row = new byte[masks.RowBytes];
        return chosen.Where(c => images.ContainsKey(records[c.i].Index)).Select(c =>
        {
            var record = records[c.i];
            masks.ReadRows(record.Index - identity.SliceStart, 1, row);
            return new GridSample(record, c.Item2, poisoned?[c.i], images[record.Index], row.Select(b => b / 255f).ToArray());
        }).ToList();
    }
}
