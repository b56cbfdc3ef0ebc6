using System.Text.Json;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Runtime.Scanning;

/// <summary>What a finished scan found, as written to summary.json and shown by the command line.</summary>
public sealed record ScanSummary
{
    /// <summary>The output folder.</summary>
    public required string Folder { get; init; }

    /// <summary>The model, data, slice and CD settings.</summary>
    public required ScanIdentity Scan { get; init; }

    /// <summary>The data as found (format and layout).</summary>
    public required string DataDescription { get; init; }

    /// <summary>The ONNX Runtime version.</summary>
    public required string OnnxRuntime { get; init; }

    /// <summary>The runs that produced the results.</summary>
    public required IReadOnlyList<ScanRun> Runs { get; init; }

    /// <summary>The runs of the CD-L scan of the mask shapes (<see cref="Scanner.ShapeFolder"/>), when the suspicion needed one; their time adds to <see cref="Runs"/>' as the cost of the scan.</summary>
    public IReadOnlyList<ScanRun> ShapeRuns { get; init; } = [];

    /// <summary>Samples in the scanned slice.</summary>
    public required long Samples { get; init; }

    /// <summary>Samples scored.</summary>
    public required long Scored { get; init; }

    /// <summary>Samples skipped as unreadable (listed in errors.csv).</summary>
    public required long Unreadable { get; init; }

    /// <summary>How mask sizes became suspicion scores.</summary>
    public required SuspicionKind Suspicion { get; init; }

    /// <summary>The flagging rule and its value; flagged means suspicion above it.</summary>
    public required Threshold Threshold { get; init; }

    /// <summary>Samples flagged as suspicious.</summary>
    public required long Flagged { get; init; }

    /// <summary>Mask L1 statistics: min, median, mean, max.</summary>
    public required IReadOnlyDictionary<string, double> Scores { get; init; }

    /// <summary>Metrics against ground truth, when given.</summary>
    public TruthMetrics? Metrics { get; init; }

    /// <summary>What the classes are: "label", "predicted label", or null when neither is known.</summary>
    public string? ClassesBy { get; init; }

    /// <summary>Per-class statistics.</summary>
    public IReadOnlyList<ClassStatistics> Classes { get; init; } = [];

    /// <summary>The class where flagged samples concentrate, or null.</summary>
    public SuspectedTarget? SuspectedTarget { get; init; }

    /// <summary>The class the scan names as the backdoor's target: the feature split's when it decided (<see cref="FeatureSplit"/>), else <see cref="SuspectedTarget"/>'s; null for none.</summary>
    public long? TargetClass => Detection.FeatureSplit.TargetOf(FeatureSplit, SuspectedTarget);

    /// <summary>How each class's penultimate features split and what that decided (<see cref="Detection.FeatureSplits"/>), or null when the scan did not split them.</summary>
    public FeatureSplit? FeatureSplit { get; init; }

    /// <summary>What <see cref="Detection.TargetLift"/> added to the suspicion of the suspected target class's samples, or null when the lift was off or no class was named.</summary>
    public double? TargetLift { get; init; }

    /// <summary>The detectors beside CD compared (<see cref="ScanSettings.Detectors"/>), or null when CD ran alone.</summary>
    public DetectorComparison? Detectors { get; init; }

    /// <summary>Sizes of the unlearn (most suspicious) and safe (least suspicious) lists.</summary>
    public required IReadOnlyDictionary<string, long> RankSplit { get; init; }

    /// <summary>The files written, relative to the folder.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }

    /// <summary>The runs that the summary.json in <paramref name="folder"/> records, or none when it has no summary.</summary>
    public static IReadOnlyList<ScanRun> ReadRuns(string folder)
    {
        var path = Path.Combine(folder, "summary.json");
        if (!File.Exists(path))
        {
            return [];
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("summary").GetProperty("runs").EnumerateArray()
            .Select(r => new ScanRun(r.GetProperty("provider").GetString() ?? "?", r.GetProperty("scanned").GetInt64(), r.GetProperty("seconds").GetDouble(), r.GetProperty("batchSize").GetInt32()))
            .ToList();
    }
}
