using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Runtime.Reporting;

/// <summary>What report.html shows of a finished scan: the report's own model, which the scanner fills.</summary>
public sealed record ScanReport
{
    /// <summary>The model file.</summary>
    public required string Model { get; init; }

    /// <summary>The model file's SHA-256.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>The dataset.</summary>
    public required string Data { get; init; }

    /// <summary>How the dataset was read.</summary>
    public required string DataDescription { get; init; }

    /// <summary>The first sample of the scanned slice.</summary>
    public required long SliceStart { get; init; }

    /// <summary>One past the last sample of the scanned slice.</summary>
    public required long SliceEnd { get; init; }

    /// <summary>Samples in the dataset.</summary>
    public required long Count { get; init; }

    /// <summary>The shard, for example 0/4, or null.</summary>
    public string? Shard { get; init; }

    /// <summary>The image size [C,H,W].</summary>
    public required int[] Image { get; init; }

    /// <summary>The CD settings, in words.</summary>
    public required string Cd { get; init; }

    /// <summary>ONNX Runtime's version.</summary>
    public required string OnnxRuntime { get; init; }

    /// <summary>The runs that scanned the samples.</summary>
    public required IReadOnlyList<ReportRun> Runs { get; init; }

    /// <summary>Samples in the slice.</summary>
    public required long Samples { get; init; }

    /// <summary>Samples scored.</summary>
    public required long Scored { get; init; }

    /// <summary>Samples that could not be read.</summary>
    public required long Unreadable { get; init; }

    /// <summary>How mask sizes became suspicion scores.</summary>
    public required SuspicionKind Suspicion { get; init; }

    /// <summary>The threshold that flags samples (suspicion above it).</summary>
    public required Threshold Threshold { get; init; }

    /// <summary>Samples flagged.</summary>
    public required long Flagged { get; init; }

    /// <summary>Metrics against ground truth, or null.</summary>
    public TruthMetrics? Metrics { get; init; }

    /// <summary>The ROC curve against ground truth, or null.</summary>
    public DetectionMetrics? Curve { get; init; }

    /// <summary>What the classes are ("label", "predicted label"), or null.</summary>
    public string? ClassesBy { get; init; }

    /// <summary>Per-class statistics.</summary>
    public IReadOnlyList<ClassStatistics> Classes { get; init; } = [];

    /// <summary>The class where flagged samples concentrate, or null.</summary>
    public SuspectedTarget? SuspectedTarget { get; init; }

    /// <summary>What was added to the suspicion of the suspected target class's samples, or null.</summary>
    public double? TargetLift { get; init; }

    /// <summary>How each class's penultimate features split and what that decided, or null.</summary>
    public FeatureSplit? FeatureSplit { get; init; }

    /// <summary>The detectors beside CD compared, or null when CD ran alone.</summary>
    public DetectorComparison? Detectors { get; init; }

    /// <summary>Each detector's ROC curve against ground truth (by its short name), or none.</summary>
    public IReadOnlyList<(string Name, DetectionMetrics Curve)> DetectorCurves { get; init; } = [];

    /// <summary>Samples in unlearn.txt.</summary>
    public required long Unlearn { get; init; }

    /// <summary>Samples in safe.txt.</summary>
    public required long Safe { get; init; }

    /// <summary>The files the scan wrote.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }

    /// <summary>Every scored sample's suspicion (larger = more suspicious).</summary>
    public required IReadOnlyList<double> SuspicionScores { get; init; }

    /// <summary>Whether each scored sample is flagged.</summary>
    public required IReadOnlyList<bool> FlaggedSamples { get; init; }

    /// <summary>Each scored sample's ground truth, or null.</summary>
    public IReadOnlyList<bool>? Poisoned { get; init; }

    /// <summary>The most and the least suspicious samples.</summary>
    public required IReadOnlyList<ReportSample> Grid { get; init; }

    /// <summary>The mean masks per group.</summary>
    public required IReadOnlyList<GroupMask> Groups { get; init; }

    /// <summary>The unreadable samples.</summary>
    public required IReadOnlyList<ReportError> Errors { get; init; }
}
