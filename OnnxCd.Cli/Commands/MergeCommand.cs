using CommandLine;
using OnnxCd.Runtime.Detectors;
using OnnxCd.Runtime.Scanning;

namespace OnnxCd.Cli.Commands;

[Verb("merge", HelpText = "Join the output folders of shard scans (--shard i/n) into one scan with one report.")]
internal sealed class MergeOptions : CommonOptions, IJudgingOptions
{
    [Value(0, MetaName = "SHARD_DIR", Min = 1, Required = true, HelpText = "The --out folders of the shard scans.")]
    public IEnumerable<string> Shards { get; set; } = [];

    [Option("out", Required = true, HelpText = "The merged scan folder (new).")]
    public string Out { get; set; } = string.Empty;

    [Option("truth", HelpText = "Ground truth, as for scan.")]
    public string? Truth { get; set; }

    [Option("truth-kind", Default = "auto", HelpText = "How to read --truth: auto, indices or indicator.")]
    public string TruthKind { get; set; } = "auto";

    [Option("threshold", HelpText = "Flagging rule: mean-std (default), mad, quantile or reference (the shards' reference scores).")]
    public string? Threshold { get; set; }

    [Option('k', HelpText = "k for mean-std, mad and reference (default 1), or q for quantile (default 0.05).")]
    public double? K { get; set; }

    public string? Reference => null;

    [Option("score", HelpText = "Suspicion from the masks: family or size-shape (need each shard's CD-L run in its logits folder), class-relative or l1 (default: as scan, by the shards' mode).")]
    public string? Score { get; set; }

    [Option("target-lift", HelpText = ScanOptions.TargetLiftHelp)]
    public string? TargetLift { get; set; }

    [Option("feature-split", HelpText = ScanOptions.FeatureSplitHelp)]
    public string? FeatureSplit { get; set; }

    [Option("detectors", Default = "cd", HelpText = ScanOptions.DetectorsHelp)]
    public string Detectors { get; set; } = "cd";

    [Option("strip-overlays", Default = Strip.DefaultOverlays, HelpText = ScanOptions.StripOverlaysHelp)]
    public int StripOverlays { get; set; }

    [Option("unlearn", Default = 0.025, HelpText = "Fraction of most suspicious samples listed in unlearn.txt.")]
    public double Unlearn { get; set; }

    [Option("safe", Default = 0.7, HelpText = "Fraction of least suspicious samples listed in safe.txt.")]
    public double Safe { get; set; }
}

/// <summary><c>onnxcd merge</c>: the outputs of one scan over the whole dataset, from its shards.</summary>
internal static class MergeCommand
{
    public static int Run(MergeOptions o, TextWriter output)
    {
        var summary = ScanMerger.Merge(o.Shards.ToList(), o.Out, ScanCommand.Judging(o));
        ScanCommand.Print(summary, output);
        return ExitCodes.Ok;
    }
}
