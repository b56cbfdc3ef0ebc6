using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Features;
using OnnxCd.Runtime.Graph;
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
    /// <param name="reference">The scored samples of the clean reference set, for the reference rule.</param>
    /// <param name="runs">The runs that produced the journal.</param>
    /// <param name="progress">Told how far the detectors beside CD have come, or null.</param>
    /// <exception cref="DataException">No sample could be scored.</exception>
    public static ScanSummary Finalize(string folder, ScanIdentity identity, ScanSettings settings, DatasetSource source, GroundTruth? truth, ScoredSamples? reference, IReadOnlyList<ScanRun> runs, Action<ScanProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(source);
        var samples = ScoredSamples.Read(folder, identity.SliceStart, identity.SliceEnd);
        var errors = ScanJournal.ReadErrors(folder).Where(e => e.Index >= identity.SliceStart && e.Index < identity.SliceEnd).ToList();
        if (samples.Count == 0)
        {
            throw new DataException($"No sample of '{identity.Data}' could be scored ({errors.Count} unreadable; reasons in {Path.Combine(folder, ScanJournal.ErrorsFile)}).");
        }

        var l1 = samples.Scores;
        var (classesBy, classes) = Classes(samples);
        var kind = settings.SuspicionFor(identity.Mode);
        var (suspicion, own, shape, families) = Judge(kind, samples, classes, identity);
        var referenceSuspicion = reference is null ? null : Judge(kind, reference, Classes(reference).Classes, identity).Suspicion;
        var poisoned = truth is null ? null : samples.Indices.Select(i => truth.Poisoned[i]).ToArray();
        var names = classesBy == "label" ? source.ClassNames : null;
        var standouts = classes is null ? null : Standouts(own, shape, classes);
        // The model that scanned and its penultimate features, read once for the feature split and the detectors.
        var model = new Lazy<OnnxModel>(() => ScanningModel(identity));
        double? featureSeconds = null;
        var features = new Lazy<IReadOnlyList<SampleFeatures>?>(() =>
        {
            var clock = Stopwatch.StartNew();
            var extracted = ExtractFeatures(identity, settings, source, samples, model.Value);
            featureSeconds = clock.Elapsed.TotalSeconds;
            return extracted;
        });
        var (featureSplit, placement) = settings.SplitsFeaturesFor(identity.Mode) && classes is not null ? SplitFeatures(identity, settings, model.Value, features.Value, classes, reference) : (null, null);

        // Flags, and the class statistics that count them, from the suspicion as it stands.
        (Threshold, bool[], IReadOnlyList<ClassStatistics>) Flag(double[] scores)
        {
            var rule = settings.Threshold.Compute(scores, referenceSuspicion);
            var flags = scores.Select(rule.Flags).ToArray();
            return (rule, flags, classes is null ? [] : ClassStatistics.Compute(classes, l1, flags, standouts!, poisoned, names));
        }

        var (threshold, flagged, statistics) = Flag(suspicion);
        var target = SuspectedTarget.Find(statistics);
        double? lift = null;
        if (featureSplit is { Regime: not FeatureSplitRegime.None })
        {
            // The split names the target instead: none when every class splits, the clean reference's choice otherwise.
            target = null;
            if (featureSplit.Regime == FeatureSplitRegime.EveryClassSplits || settings.LiftsTargetFor(identity.Mode))
            {
                (suspicion, lift) = FeatureSplits.Apply(featureSplit, suspicion, placement!, classes!);
                (threshold, flagged, statistics) = Flag(suspicion);
            }
        }
        else if (settings.LiftsTargetFor(identity.Mode) && target is not null)
        {
            // The standouts that named the target do not depend on the flags, so it stays the same class.
            (suspicion, lift) = TargetLift.Apply(suspicion, classes!, target.Class.Class);
            (threshold, flagged, statistics) = Flag(suspicion);
            target = SuspectedTarget.Find(statistics);
        }

        var shapeRuns = shape is null ? [] : ScanSummary.ReadRuns(Path.Combine(folder, Scanner.ShapeFolder));
        var detectors = settings.Detectors.Count > 1 || settings.Detectors[0] != DetectorKind.Cd
            ? ScanDetectors.Run(identity, settings, source, samples, classes, reference, model, features, suspicion, runs.Concat(shapeRuns).Sum(r => r.Seconds), progress)
            : null;
        var comparison = detectors is null ? null : DetectorComparison.Compute(detectors, settings.Threshold, threshold, poisoned, truth?.Interpretation, featureSeconds);
        var curve = poisoned is not null && poisoned.Contains(true) && poisoned.Contains(false) ? DetectionMetrics.Compute(suspicion, poisoned) : null;
        var metrics = curve is null ? null : new TruthMetrics(truth!.Interpretation, curve.Positives, curve.Negatives, curve.Auroc, curve.Auprc, curve.TprAtFpr, DetectionMetrics.ConfusionOf(suspicion, poisoned!, threshold));
        var order = SuspicionOrder.Of(suspicion, samples.Indices);
        var split = RankSplit.FromOrder(samples.Indices, order, settings.UnlearnFraction, settings.SafeFraction);
        var groups = GroupMasks.Compute(folder, identity, samples.Indices, classes, statistics, flagged, poisoned);

        WriteScores(folder, samples, shape, families, suspicion, flagged, detectors, poisoned);
        AtomicFile.WriteAllLines(Path.Combine(folder, "unlearn.txt"), split.Unlearn.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        AtomicFile.WriteAllLines(Path.Combine(folder, "safe.txt"), split.Safe.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        NpyFile.Write(Path.Combine(folder, "group-masks.npy"), NpyArray.Of(groups.SelectMany(g => g.Mask).ToArray(), groups.Count, 1, identity.Image[1], identity.Image[2]));

        var sorted = l1.Order().ToArray();
        var summary = new ScanSummary
        {
            Folder = folder,
            Scan = identity,
            DataDescription = source.Description,
            OnnxRuntime = OrtEnv.Instance().GetVersionString(),
            Runs = runs,
            ShapeRuns = shapeRuns,
            Samples = identity.SliceEnd - identity.SliceStart,
            Scored = samples.Count,
            Unreadable = errors.Count,
            Suspicion = kind,
            Threshold = threshold,
            Flagged = flagged.Count(f => f),
            Scores = new Dictionary<string, double> { ["min"] = sorted[0], ["median"] = Statistics.QuantileOfSorted(sorted, 0.5), ["mean"] = sorted.Average(), ["max"] = sorted[^1] },
            Metrics = metrics,
            ClassesBy = classesBy,
            Classes = statistics,
            SuspectedTarget = target,
            FeatureSplit = featureSplit,
            TargetLift = lift,
            Detectors = comparison,
            RankSplit = new Dictionary<string, long> { ["unlearn"] = split.Unlearn.Count, ["safe"] = split.Safe.Count },
            Outputs = ["scores.csv", "summary.json", "report.html", "unlearn.txt", "safe.txt", "group-masks.npy", ScanJournal.JournalFile, ScanJournal.ErrorsFile, ScanJournal.MasksU8File, .. identity.SaveMasks ? new[] { ScanJournal.MasksFile } : [], .. shape is null ? [] : new[] { Scanner.ShapeFolder + "/" }],
        };

        AtomicFile.WriteAllText(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(new { Summary = summary, GroupMasks = groups.Select(g => g.Name) }, s_json));
        var grid = GridSamples(folder, identity, source, samples, order, poisoned, settings.GridSize);
        AtomicFile.WriteAllText(Path.Combine(folder, "report.html"), HtmlReport.Render(Report(summary, suspicion, flagged, poisoned, curve, detectors, grid, groups, errors)));
        return summary;
    }

    /// <summary>What the report shows: the summary, the scores and the pictures.</summary>
    private static ScanReport Report(ScanSummary summary, IReadOnlyList<double> suspicion, bool[] flagged, bool[]? poisoned, DetectionMetrics? curve, IReadOnlyList<DetectorScores>? detectors, IReadOnlyList<ReportSample> grid, IReadOnlyList<GroupMask> groups, IReadOnlyList<ScanError> errors)
    {
        var scan = summary.Scan;
        return new ScanReport
        {
            Model = scan.Model,
            ModelSha256 = scan.ModelSha256,
            Data = scan.Data,
            DataDescription = summary.DataDescription,
            SliceStart = scan.SliceStart,
            SliceEnd = scan.SliceEnd,
            Count = scan.Count,
            Shard = scan.Shard,
            Image = scan.Image,
            Cd = scan.Cd,
            OnnxRuntime = summary.OnnxRuntime,
            Runs = summary.Runs.Select(r => new ReportRun(r.Provider, r.Scanned, r.Seconds, r.BatchSize))
                .Concat(summary.ShapeRuns.Select(r => new ReportRun($"{r.Provider} (the CD-L run of the mask shapes)", r.Scanned, r.Seconds, r.BatchSize))).ToList(),
            Samples = summary.Samples,
            Scored = summary.Scored,
            Unreadable = summary.Unreadable,
            Suspicion = summary.Suspicion,
            Threshold = summary.Threshold,
            Flagged = summary.Flagged,
            Metrics = summary.Metrics,
            Curve = curve,
            ClassesBy = summary.ClassesBy,
            Classes = summary.Classes,
            SuspectedTarget = summary.SuspectedTarget,
            TargetLift = summary.TargetLift,
            FeatureSplit = summary.FeatureSplit,
            Detectors = summary.Detectors,
            DetectorCurves = detectors is null || poisoned is null || summary.Metrics is null ? [] : detectors.Select(d => (d.Name, DetectionMetrics.Compute(d.Scores, poisoned))).ToList(),
            Unlearn = summary.RankSplit["unlearn"],
            Safe = summary.RankSplit["safe"],
            Outputs = summary.Outputs,
            SuspicionScores = suspicion,
            FlaggedSamples = flagged,
            Poisoned = poisoned,
            Grid = grid,
            Groups = groups,
            Errors = errors.Select(e => new ReportError(e.Index, e.Id, e.Reason)).ToList(),
        };
    }

    /// <summary>
    /// The suspicion of a scan's samples, and each sample's own suspicion, which the target rule weighs (before
    /// mask families share it: a family's mean would make whole families stand out); with the CD-L mask shapes
    /// and families (its own CD-L run's) where <paramref name="kind"/> needs them.
    /// </summary>
    private static (double[] Suspicion, double[] Own, double[]? Shape, long[]? Families) Judge(SuspicionKind kind, ScoredSamples samples, IReadOnlyList<long>? classes, ScanIdentity identity)
    {
        if (!Suspicion.NeedsShape(kind))
        {
            var suspicion = Suspicion.Compute(kind, samples.Scores, classes);
            return (suspicion, suspicion, null, null);
        }

        var (shapeFolder, rows) = ShapeRun(samples);
        using var masks = new NpyRowReader(Path.Combine(shapeFolder, ScanJournal.MasksU8File));
        var shape = MaskShapes.Distances(masks, rows, classes);
        var own = Suspicion.Compute(SuspicionKind.SizeAndShape, samples.Scores, classes, shape);
        if (!Suspicion.NeedsFamilies(kind))
        {
            return (own, own, shape, null);
        }

        var families = MaskFamilies.Assign(masks, rows, classes, identity.Image[1], identity.Image[2]);
        return (Suspicion.WithinFamilies(own, families), own, shape, families);
    }

    /// <summary>The penultimate features of the scored samples, from one forward pass with the model that scanned; null for a model without a 4-D feature map (no convolutional stage).</summary>
    /// <exception cref="DataException">A scored sample cannot be read again.</exception>
    private static IReadOnlyList<SampleFeatures>? ExtractFeatures(ScanIdentity identity, ScanSettings settings, DatasetSource source, ScoredSamples samples, OnnxModel model)
    {
        var options = new CdOptions { Mode = CdMode.Features, Mean = identity.Mean, Std = identity.Std };
        var scored = new HashSet<long>(samples.Indices);
        var features = PenultimateFeatures.Extract(model, options, source, identity.Image, identity.SliceStart, identity.SliceEnd, scored.Contains, settings.BatchSize, settings.Sessions[0]);
        if (features is not null && features.Count != samples.Count)
        {
            var missing = samples.Indices.Except(features.Select(f => f.Index)).Take(5);
            throw new DataException(Setting.Message($"Sample(s) {string.Join(", ", missing)} of '{identity.Data}' were scored but cannot be read again for their penultimate features: restore the data, or judge without the feature split and the feature detectors ({Setting.FeatureSplit} off, {Setting.Detectors} without ss and ac)."));
        }

        return features;
    }

    /// <summary>
    /// The split of each class's penultimate features (<see cref="FeatureSplits"/>), with a forward pass over
    /// the clean reference set's images when the scan has one; with where each sample lies in its class's split.
    /// Null without features (a model without a 4-D feature map), which is judged without the split.
    /// </summary>
    private static (FeatureSplit? Split, SplitPlacement? Placement) SplitFeatures(ScanIdentity identity, ScanSettings settings, OnnxModel model, IReadOnlyList<SampleFeatures>? features, IReadOnlyList<long> classes, ScoredSamples? reference)
    {
        if (features is null)
        {
            return (null, null);
        }

        var options = new CdOptions { Mode = CdMode.Features, Mean = identity.Mean, Std = identity.Std };
        (IReadOnlyList<float[]>, IReadOnlyList<long>)? clean = null;
        using var referenceSource = OpenReference(identity, reference);
        if (referenceSource is not null)
        {
            var predicted = reference!.AllPredicted ? reference.Indices.Zip(reference.PredictedLabels).ToDictionary(p => p.First, p => p.Second) : [];
            var referenceScored = new HashSet<long>(reference.Indices);
            var referenceFeatures = PenultimateFeatures.Extract(model, options, referenceSource, identity.Image, 0, referenceSource.Count, referenceScored.Contains, settings.BatchSize, settings.Sessions[0])!
                .Where(f => f.Label is not null || predicted.ContainsKey(f.Index)).ToList();
            // Its labels when it has them (the classes of a clean set), else what the model predicts for it.
            clean = (referenceFeatures.Select(f => f.Values).ToList(), referenceFeatures.Select(f => f.Label ?? predicted[f.Index]).ToList());
        }

        return FeatureSplits.Compute(features.Select(f => f.Values).ToList(), classes, clean);
    }

    /// <summary>The clean reference set's data, as its scan.json names it, opened at the scan's image size; null without a reference scan.</summary>
    internal static DatasetSource? OpenReference(ScanIdentity identity, ScoredSamples? reference) =>
        reference is not null && ScanIdentity.Read(reference.Folder) is { } referenceIdentity
            ? DatasetSource.Open(referenceIdentity.Data, referenceIdentity.Format, new ImageSpec(identity.Image[0], identity.Image[1], identity.Image[2]), referenceIdentity.Labels)
            : null;

    /// <summary>The model that scanned, as scan.json names it, checked against the hash it recorded.</summary>
    /// <exception cref="DataException">The model is gone or has changed.</exception>
    private static OnnxModel ScanningModel(ScanIdentity identity)
    {
        if (!File.Exists(identity.Model))
        {
            throw new DataException(Setting.Message($"The feature split runs the model that scanned, '{identity.Model}' (as scan.json names it), and it is not there: judge from the folder the scan ran in, or without the split ({Setting.FeatureSplit} off)."));
        }

        var sha = ScanIdentity.Sha256Of(identity.Model);
        return sha == identity.ModelSha256
            ? OnnxModel.Load(identity.Model)
            : throw new DataException(Setting.Message($"'{identity.Model}' has changed since it scanned (sha256 {sha}, scan.json recorded {identity.ModelSha256}); the feature split must run the model that scanned: restore it, or judge without the split ({Setting.FeatureSplit} off)."));
    }

    /// <summary>The CD-L run in the scan's <see cref="Scanner.ShapeFolder"/> and the row of each sample in its masks.</summary>
    /// <exception cref="DataException">The CD-L run is missing or has not scored every sample.</exception>
    private static (string Folder, List<long> Rows) ShapeRun(ScoredSamples samples)
    {
        var folder = samples.Folder;
        var shapeFolder = Path.Combine(folder, Scanner.ShapeFolder);
        var identity = ScanIdentity.Read(shapeFolder)
            ?? throw new DataException(Setting.Message($"'{folder}' has no CD-L run of the mask shapes that {Suspicion.ShapeKindsNamed} need (no {Path.Combine(shapeFolder, "scan.json")}): scan again with {Setting.Resume} to run it, or choose a suspicion from mask size alone ({Setting.Suspicion})."));
        var scored = new HashSet<long>(ScoredSamples.Read(shapeFolder, identity.SliceStart, identity.SliceEnd).Indices);
        var missing = samples.Indices.Where(i => !scored.Contains(i)).Take(5).ToList();
        if (missing.Count > 0)
        {
            throw new DataException(Setting.Message($"The CD-L run in '{shapeFolder}' has not scored sample(s) {string.Join(", ", missing)} of the scan: continue it with {Setting.Resume}, or choose a suspicion from mask size alone ({Setting.Suspicion})."));
        }

        return (shapeFolder, samples.Indices.Select(i => i - identity.SliceStart).ToList());
    }

    /// <summary>Which samples stand out within their class, by suspicion, and by CD-L mask shape where the suspicion used it: the evidence for a target class.</summary>
    private static Dictionary<TargetEvidence, bool[]> Standouts(double[] suspicion, double[]? shape, IReadOnlyList<long> classes)
    {
        var standouts = new Dictionary<TargetEvidence, bool[]> { [TargetEvidence.Suspicion] = ClassStandouts.BySuspicion(suspicion, classes) };
        if (shape is not null)
        {
            standouts[TargetEvidence.MaskShape] = ClassStandouts.ByShape(shape);
        }

        return standouts;
    }

    /// <summary>Classes by label when every scored sample has one, else by predicted label, else none.</summary>
    private static (string? By, IReadOnlyList<long>? Classes) Classes(ScoredSamples samples) =>
        samples.AllLabelled ? ("label", samples.Labels)
        : samples.AllPredicted ? ("predicted label", samples.PredictedLabels)
        : (null, null);

    /// <summary>scores.csv, one row per scored sample in index order, streamed from the journal; with the CD-L mask-shape distance and family where the suspicion used them, and a column per detector beside CD, named by it (CD's score is the suspicion).</summary>
    private static void WriteScores(string folder, ScoredSamples samples, double[]? shape, long[]? families, double[] suspicion, bool[] flagged, IReadOnlyList<DetectorScores>? detectors, bool[]? poisoned)
    {
        var invariant = CultureInfo.InvariantCulture;
        var others = detectors?.Where(d => d.Kind != DetectorKind.Cd).ToList() ?? [];
        var rows = samples.Records().Select((r, i) => string.Join(
            ",",
            r.Index.ToString(invariant),
            Csv.Field(r.Id),
            r.Label?.ToString(invariant) ?? string.Empty,
            r.Predicted?.ToString(invariant) ?? string.Empty,
            r.L1.ToString("R", invariant) + (shape is null ? string.Empty : "," + shape[i].ToString("R", invariant)) + (families is null ? string.Empty : "," + families[i].ToString(invariant)),
            suspicion[i].ToString("R", invariant),
            flagged[i] ? "1" : "0") + string.Concat(others.Select(d => "," + d.Scores[i].ToString("R", invariant))) + (poisoned is null ? string.Empty : poisoned[i] ? ",1" : ",0"));
        var header = "index,id,label,predicted,l1," + (shape is null ? string.Empty : "shape,") + (families is null ? string.Empty : "family,") + "suspicion,flagged" + string.Concat(others.Select(d => "," + d.Name)) + (poisoned is null ? string.Empty : ",poisoned");
        AtomicFile.WriteAllLines(Path.Combine(folder, "scores.csv"), rows.Prepend(header));
    }

    /// <summary>The most and the least suspicious samples, with their images (read again from the data) and masks (from the journal).</summary>
    private static IReadOnlyList<ReportSample> GridSamples(string folder, ScanIdentity identity, DatasetSource source, ScoredSamples samples, int[] order, bool[]? poisoned, int size)
    {
        var indices = samples.Indices;
        var count = Math.Min(size, order.Length / 2);
        var chosen = order.Take(count).Select(i => (i, true)).Concat(order.TakeLast(count).Reverse().Select(i => (i, false))).ToList();
        var byIndex = chosen.ToDictionary(c => indices[c.i], c => c);
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
        return chosen.Where(c => images.ContainsKey(indices[c.i])).Select(c =>
        {
            var record = samples.Record(c.i);
            masks.ReadRows(record.Index - identity.SliceStart, 1, row);
            return new ReportSample(record.Index, record.Id, record.Label, record.Predicted, record.L1, c.Item2, poisoned?[c.i], images[record.Index], row.Select(b => b / 255f).ToArray());
        }).ToList();
    }
}
