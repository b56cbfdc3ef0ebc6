using System.Globalization;
using CommandLine;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Scanning;

namespace OnnxCd.Cli.Commands;

/// <summary>Options that decide how a finished scan is judged: shared by scan and merge.</summary>
internal interface IJudgingOptions
{
    string? Truth { get; }

    string TruthKind { get; }

    string? Threshold { get; }

    double? K { get; }

    string? Reference { get; }

    string? Score { get; }

    string? TargetLift { get; }

    string? FeatureSplit { get; }

    string Detectors { get; }

    int StripOverlays { get; }

    double Unlearn { get; }

    double Safe { get; }
}

[Verb("scan", HelpText = "Scan a dataset with Cognitive Distillation: per-sample scores, flags, metrics against ground truth, and a report.")]
internal sealed class ScanOptions : CdCommandOptions, IJudgingOptions
{
    [Option("data", Required = true, HelpText = "The dataset: an image folder (ImageFolder or flat), a .npy array, an IDX file (gzipped or not) or CIFAR-10 binary batches.")]
    public string Data { get; set; } = string.Empty;

    [Option("format", Default = "auto", HelpText = "auto, folder, npy, idx or cifar.")]
    public string Format { get; set; } = "auto";

    [Option("labels", HelpText = "Labels for npy or IDX data (.npy of integers, or an IDX labels file).")]
    public string? Labels { get; set; }

    [Option("truth", HelpText = "Ground truth: T.npy or T.txt holding the poisoned samples' indices, or one 0/1 (or boolean) per sample, 1 = poisoned.")]
    public string? Truth { get; set; }

    [Option("truth-kind", Default = "auto", HelpText = "How to read --truth: auto, indices or indicator.")]
    public string TruthKind { get; set; } = "auto";

    [Option("out", Default = "scan-out", HelpText = "Output folder.")]
    public string Out { get; set; } = "scan-out";

    [Option("threshold", HelpText = "Flagging rule: mean-std (default), mad, quantile, or reference (the default when --reference is given and the feature split is off: the split lifts the scan's suspicion, not the reference's).")]
    public string? Threshold { get; set; }

    [Option('k', HelpText = "k for mean-std, mad and reference (default 1), or q for quantile (default 0.05).")]
    public double? K { get; set; }

    /// <summary>The help of --target-lift, shared with merge.</summary>
    internal const string TargetLiftHelp = "on (default with --mode probs) or off (default with logits and features): when the scan names a suspected target class, add one standard deviation of the suspicion to its samples' suspicion before flagging (all-to-one poisons all lie in their target class).";

    /// <summary>The help of --feature-split, shared with merge.</summary>
    internal const string DetectorsHelp = "Detectors to score the samples with, comma-separated: cd (Cognitive Distillation, the scan itself; always included), ss (Spectral Signatures), ac (Activation Clustering), strip (STRIP), scaleup (SCALE-UP), combined (the mean robust z-score over the others chosen). Each is a column of scores.csv, and the summary and report compare them. ss and ac reuse the feature split's forward pass; strip runs --strip-overlays forward passes per image, scaleup 6.";

    internal const string StripOverlaysHelp = "Images STRIP superimposes on each sample (the original's 100): spread evenly over --reference when given (clean images, as the original holds them), else over the scan's own samples.";

    internal const string FeatureSplitHelp = "on (default with --mode probs) or off (default with logits and features): split each class's penultimate features in two (one forward pass per image, no CD run): when every class splits, the scan reads as all-to-all (no target class, each sample's margin towards its class's smaller cluster joins its suspicion); with --reference, the class whose split holds the most samples where the clean images do not go is the target.";

    /// <summary>Probability mode with mask-family suspicion: the default chosen on the attack suite (onnx-models/README.md, where it also says where it fails).</summary>
    public override string DefaultMode => "probs";

    [Option("score", HelpText = "Suspicion from the masks: family (default with --mode probs: size-shape shared within families of like CD-L masks, z(S) plus its family's mean z(S), 3 families per class by k-means), size-shape (how small the mask is, z(−ln L1), plus twice how unlike its class's the sample's CD-L mask is shaped; runs CD-L as well, into OUT/logits, as family does), class-relative (ln of the class's 0.75-quantile L1 over the sample's L1) or l1 (−L1, the paper's ranking; default with logits and features).")]
    public string? Score { get; set; }

    [Option("target-lift", HelpText = TargetLiftHelp)]
    public string? TargetLift { get; set; }

    [Option("feature-split", HelpText = FeatureSplitHelp)]
    public string? FeatureSplit { get; set; }

    [Option("detectors", Default = "cd", HelpText = DetectorsHelp)]
    public string Detectors { get; set; } = "cd";

    [Option("strip-overlays", Default = Strip.DefaultOverlays, HelpText = StripOverlaysHelp)]
    public int StripOverlays { get; set; }

    [Option("reference", HelpText = "A trusted clean dataset (labelled, a few dozen images of each class or more): its suspicion scores set the threshold (mean + k·std), as in the original code, and with --feature-split it names the target class.")]
    public string? Reference { get; set; }

    [Option("reference-labels", HelpText = "Labels for npy or IDX --reference data (without them, the model's predictions are the reference's classes).")]
    public string? ReferenceLabels { get; set; }

    [Option("save-masks", HelpText = "Also keep every float32 mask in masks.npy [N,1,H,W].")]
    public bool SaveMasks { get; set; }

    [Option("resume", HelpText = "Continue the scan in --out where it stopped.")]
    public bool Resume { get; set; }

    [Option("sessions", Default = 1, HelpText = BenchOptions.SessionsHelp)]
    public int Sessions { get; set; }

    [Option("shard", HelpText = "Scan slice i of n (i/n, from 0): ⌊i·N/n⌋ to ⌊(i+1)·N/n⌋; join shard folders with onnxcd merge.")]
    public string? Shard { get; set; }

    [Option("unlearn", Default = 0.025, HelpText = "Fraction of most suspicious samples listed in unlearn.txt (the paper: 2.5%).")]
    public double Unlearn { get; set; }

    [Option("safe", Default = 0.7, HelpText = "Fraction of least suspicious samples listed in safe.txt (the paper: 70%).")]
    public double Safe { get; set; }
}

/// <summary><c>onnxcd scan</c>: streams the data through CD, records results as it goes, then judges and reports.</summary>
internal static class ScanCommand
{
    /// <summary>The --score names of the suspicion kinds.</summary>
    internal static readonly (string Name, SuspicionKind Value)[] Scores = [("family", SuspicionKind.SizeShapeFamily), ("size-shape", SuspicionKind.SizeAndShape), ("class-relative", SuspicionKind.ClassRelative), ("l1", SuspicionKind.MaskSize)];

    public static int Run(ScanOptions o, TextWriter output, TextWriter log)
    {
        var batchSize = OptionParsing.Positive(o.BatchSize, "--batch-size");
        OptionParsing.OneOf(o.Format, "--format", DatasetSource.Formats);
        var model = OnnxModel.Load(o.Model);
        CdSetup.Warn(model, log);
        var cd = CdSetup.Options(o, model);
        var settings = Judging(o) with
        {
            Data = o.Data,
            Format = o.Format.ToLowerInvariant(),
            Labels = o.Labels,
            ReferenceLabels = o.ReferenceLabels,
            Shard = o.Shard is null ? ShardSpec.All : Parse(() => ShardSpec.Parse(o.Shard)),
            SaveMasks = o.SaveMasks,
            Resume = o.Resume,
            BatchSize = batchSize,
            Cd = cd,
            Sessions = CdSetup.Sessions(o, o.Sessions),
            Noise = CdSetup.Noise(o),
            NoiseDescription = o.Noise is null ? $"seed {o.Seed}" : $"file {Path.GetFullPath(o.Noise)}",
            InputSize = OptionParsing.InputSize(o.InputSize),
        };
        if (o.Threshold is null && o.Reference is not null && !settings.SplitsFeaturesFor(cd.Mode))
        {
            // The reference's own threshold (the original code's rule) is the default only where the feature split
            // leaves the suspicion as CD scored it: the split lifts and rescales the scan's suspicion, not the reference's.
            settings = settings with { Threshold = settings.Threshold with { Kind = ThresholdKind.Reference } };
        }

        var summary = ScanProgressDisplay.Run(log, progress => Scanner.Scan(o.Model, settings, o.Out, progress));
        Print(summary, output);
        return ExitCodes.Ok;
    }

    /// <summary>The judging part of the settings (truth, rule, split), validated.</summary>
    public static ScanSettings Judging(IJudgingOptions o)
    {
        if (o.Unlearn is <= 0 or >= 1 || o.Safe is <= 0 or >= 1)
        {
            throw new UsageException($"--unlearn {o.Unlearn} and --safe {o.Safe} must be fractions in (0, 1), for example 0.025 and 0.7.");
        }

        OptionParsing.OneOf(o.TruthKind, "--truth-kind", GroundTruth.Kinds);
        var rule = Parse(() => ThresholdRule.Parse(o.Threshold ?? "mean-std", o.K));
        if (rule.Kind == ThresholdKind.Reference && o.Reference is null && o is ScanOptions)
        {
            throw new UsageException("--threshold reference needs a clean reference dataset: give it with --reference DATA.");
        }

        return new ScanSettings
        {
            Data = string.Empty,
            Truth = o.Truth,
            TruthKind = o.TruthKind.ToLowerInvariant(),
            Suspicion = o.Score is null ? null : OptionParsing.Choice(o.Score, "--score", Scores),
            LiftTarget = o.TargetLift is null ? null : OptionParsing.Choice(o.TargetLift, "--target-lift", ("on", true), ("off", false)),
            FeatureSplit = o.FeatureSplit is null ? null : OptionParsing.Choice(o.FeatureSplit, "--feature-split", ("on", true), ("off", false)),
            Threshold = rule,
            Detectors = Parse(() => DetectorNames.ParseList(o.Detectors)),
            StripOverlays = OptionParsing.Positive(o.StripOverlays, "--strip-overlays"),
            Reference = o.Reference,
            UnlearnFraction = o.Unlearn,
            SafeFraction = o.Safe,
        };
    }

    public static void Print(ScanSummary s, TextWriter output)
    {
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine($"Scanned       {s.Scored} of {s.Samples} samples of {s.Scan.Data} ({s.DataDescription})" + (s.Unreadable > 0 ? $"; {s.Unreadable} unreadable, listed in errors.csv" : string.Empty));
        output.WriteLine(string.Create(invariant, $"Flagged       {s.Flagged} ({100.0 * s.Flagged / Math.Max(1, s.Scored):F1}%): suspicion ({SuspicionName(s.Suspicion)}) > {s.Threshold.Value:G6}, {s.Threshold.Rule}"));
        if (s.Metrics is { } m)
        {
            output.WriteLine(string.Create(invariant, $"Truth         {m.Truth}"));
            output.WriteLine(string.Create(invariant, $"AUROC         {m.Auroc:F4}   AUPRC {m.Auprc:F4}   TPR at 1/5/10% FPR: {string.Join(" / ", m.TprAtFpr.Values.Select(v => v.ToString("F3", invariant)))}"));
            output.WriteLine($"Rule          TP {m.Confusion.TruePositives}, FP {m.Confusion.FalsePositives}, TN {m.Confusion.TrueNegatives}, FN {m.Confusion.FalseNegatives}");
        }

        if (s.FeatureSplit is { Regime: not FeatureSplitRegime.None } split)
        {
            var named = split.Target is { } c ? split.Classes.First(k => k.Class == c) : null;
            output.WriteLine(split.Regime == FeatureSplitRegime.EveryClassSplits
                ? FormattableString.Invariant($"Target?       none: every class's features split in two (median silhouette {split.MedianSilhouette:F2} ≥ {FeatureSplits.EveryClassSplits:G}), as an all-to-all backdoor splits them; each sample's margin towards its class's smaller cluster joined its suspicion")
                : named is not null
                ? FormattableString.Invariant($"Target?       class {ClassName(s, named.Class)} (by {s.ClassesBy}): its features split, and one part holds {named.Excess:F0} samples beyond what the clean reference puts there (avoidance {named.Avoidance:F2} < {FeatureSplits.Avoided:G})")
                : FormattableString.Invariant($"Target?       none: the clean reference goes into both parts of every class's feature split (avoidance ≥ {FeatureSplits.Avoided:G})"));
            if (s.TargetLift is { } splitLift && split.Target is { } lifted)
            {
                output.WriteLine(string.Create(invariant, $"Lifted        the suspicion of class {ClassName(s, lifted)}'s samples by {splitLift:G4} (--target-lift on: one standard deviation of the suspicion), and by {FeatureSplits.ReferenceWeight:G} of it per robust standard deviation that a sample lies further than the class's median from its {FeatureSplits.NearestReference} nearest clean reference images"));
            }
        }
        else if (s.SuspectedTarget is { } t)
        {
            output.WriteLine(string.Create(invariant, $"Target?       class {t.Class.Name} (by {s.ClassesBy}): {100 * t.StandoutRate:F1}% of it stands out within it {ClassStandouts.Describe(t.Evidence)} vs {100 * t.OthersRate:F1}% of the other classes ({t.RateRatio:F1}×), {t.ExcessStandouts:F0} beyond its size (p {t.PValue:G2})"));
            if (s.TargetLift is { } lift)
            {
                output.WriteLine(string.Create(invariant, $"Lifted        the suspicion of class {t.Class.Name}'s samples by {lift:G4} (--target-lift on: one standard deviation of the suspicion)"));
            }
        }
        else if (s.Classes.Count > 1 && s.Flagged > 0)
        {
            output.WriteLine(string.Create(invariant, $"Target?       none: in no class do samples stand out within it both significantly more often than in the others (p ≤ {SuspectedTarget.SignificanceLevel:G2}) and at least {SuspectedTarget.MinimumRateRatio:G} times as often"));
        }

        if (s.Runs.Count == 1)
        {
            var run = s.Runs[0];
            output.WriteLine(string.Create(invariant, $"Run           {run.Scanned} samples in {run.Seconds:F1} s ({run.Scanned / Math.Max(run.Seconds, 1e-9):F1}/s) on {run.Provider}"));
        }
        else if (s.Runs.Count > 1)
        {
            // Shards and resumed runs: their times add up as work done, not as the wall time of the whole.
            output.WriteLine(string.Create(invariant, $"Runs          {s.Runs.Count} (shards or resumed runs) scanned {s.Runs.Sum(r => r.Scanned)} samples in {s.Runs.Sum(r => r.Seconds):F1} s of run time, on {string.Join(", ", s.Runs.Select(r => r.Provider).Distinct())}"));
        }

        if (s.ShapeRuns.Count > 0)
        {
            var (scanned, seconds) = (s.ShapeRuns.Sum(r => r.Scanned), s.ShapeRuns.Sum(r => r.Seconds));
            output.WriteLine(string.Create(invariant, $"CD-L run      {scanned} samples in {seconds:F1} s ({scanned / Math.Max(seconds, 1e-9):F1}/s), for the mask shapes: a CD-L scan of its own in {Path.Combine(s.Folder, Scanner.ShapeFolder)}"));
        }

        foreach (var d in s.Detectors?.Detectors ?? [])
        {
            var quality = d.Metrics is { } dm ? string.Create(invariant, $"AUROC {dm.Auroc:F4}   AUPRC {dm.Auprc:F4}   ") : string.Empty;
            output.WriteLine(string.Create(invariant, $"Detector      {d.Detector,-9} {quality}flagged {d.Flagged,5}   {d.Seconds:F1} s ({1000 * d.Seconds / Math.Max(1, s.Scored):F2} ms/image)"));
        }

        output.WriteLine($"Report        {Path.Combine(s.Folder, "report.html")} (and scores.csv, summary.json, unlearn.txt, safe.txt in {s.Folder})");
    }

    private static string ClassName(ScanSummary s, long c) => s.Classes.FirstOrDefault(k => k.Class == c)?.Name ?? c.ToString(CultureInfo.InvariantCulture);

    internal static string SuspicionName(SuspicionKind kind) => Scores.First(s => s.Value == kind).Name;

    internal static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(SettingFlags.Message(e));
        }
    }
}
