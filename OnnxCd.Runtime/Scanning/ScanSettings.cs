using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;

namespace OnnxCd.Runtime.Scanning;

/// <summary>Everything a scan needs besides the model: data, ground truth, the flagging rule, sharding and CD settings.</summary>
public sealed record ScanSettings
{
    /// <summary>The dataset: an image folder, .npy, IDX file or CIFAR-10 batches.</summary>
    public required string Data { get; init; }

    /// <summary>auto, folder, npy, idx or cifar.</summary>
    public string Format { get; init; } = "auto";

    /// <summary>Labels for npy or IDX data, or null.</summary>
    public string? Labels { get; init; }

    /// <summary>Ground truth (index list or indicator), or null.</summary>
    public string? Truth { get; init; }

    /// <summary>How to read the truth file: auto, indices or indicator.</summary>
    public string TruthKind { get; init; } = "auto";

    /// <summary>How masks become suspicion; null for the mode's default (<see cref="SuspicionFor"/>).</summary>
    public SuspicionKind? Suspicion { get; init; }

    /// <summary>The flagging rule, applied to the suspicion scores.</summary>
    public ThresholdRule Threshold { get; init; } = new(ThresholdKind.MeanStd, 1);

    /// <summary>Whether to lift the suspicion of the suspected target class's samples (<see cref="Detection.TargetLift"/>) when the scan names one; null for the mode's default (<see cref="LiftsTargetFor"/>).</summary>
    public bool? LiftTarget { get; init; }

    /// <summary>A trusted clean dataset for the reference rule and the feature split's clean reference, or null.</summary>
    public string? Reference { get; init; }

    /// <summary>Labels for npy or IDX reference data, or null (folders name their classes; without labels the reference's predicted labels are its classes).</summary>
    public string? ReferenceLabels { get; init; }

    /// <summary>Whether each class's penultimate features are split (<see cref="Detection.FeatureSplits"/>) to judge the scan; null for the mode's default (<see cref="SplitsFeaturesFor"/>).</summary>
    public bool? FeatureSplit { get; init; }

    /// <summary>The detectors the samples are scored with (<see cref="DetectorKind"/>): CD, the scan itself, and any others beside it, each a column of scores.csv and compared in the summary and the report.</summary>
    public IReadOnlyList<DetectorKind> Detectors { get; init; } = [DetectorKind.Cd];

    /// <summary>The images STRIP superimposes on each sample (<see cref="Strip"/>).</summary>
    public int StripOverlays { get; init; } = Strip.DefaultOverlays;

    /// <summary>The slice of the dataset to scan.</summary>
    public ShardSpec Shard { get; init; } = ShardSpec.All;

    /// <summary>Keep every float32 mask in masks.npy.</summary>
    public bool SaveMasks { get; init; }

    /// <summary>Continue the scan already in the output folder.</summary>
    public bool Resume { get; init; }

    /// <summary>Images per ONNX Runtime run.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>CD hyper-parameters.</summary>
    public CdOptions Cd { get; init; } = new();

    /// <summary>
    /// One ONNX Runtime session per entry (device and threads), each distilling whole batches in
    /// parallel with the others: several GPUs, or several CPU sessions sharing the cores.
    /// </summary>
    public IReadOnlyList<ExecutionOptions> Sessions { get; init; } = [new()];

    /// <summary>Noise colours replayed from a file, or null for the seeded generator.</summary>
    public NoiseSource? Noise { get; init; }

    /// <summary>A description of the noise for the manifest ("seed 0", or the noise file).</summary>
    public string NoiseDescription { get; init; } = "seed 0";

    /// <summary>H and W when the model's input size is symbolic, else null.</summary>
    public long[]? InputSize { get; init; }

    /// <summary>The most suspicious fraction listed for unlearning (the paper: 2.5%).</summary>
    public double UnlearnFraction { get; init; } = 0.025;

    /// <summary>The least suspicious fraction listed as safe (the paper: 70%).</summary>
    public double SafeFraction { get; init; } = 0.7;

    /// <summary>How many of the most and of the least suspicious samples the report shows.</summary>
    public int GridSize { get; init; } = 16;

    /// <summary>The suspicion in use for masks of <paramref name="mode"/>: <see cref="Suspicion"/> when set, else <see cref="DefaultSuspicion"/>.</summary>
    public SuspicionKind SuspicionFor(CdMode mode) => Suspicion ?? DefaultSuspicion(mode);

    /// <summary>
    /// Whether the suspected target class's samples are lifted for masks of <paramref name="mode"/>:
    /// <see cref="LiftTarget"/> when set, else in probability mode (the default scan, chosen on the attack
    /// suite and confirmed on retrained models: onnx-models/README.md) and not for the paper's CD-L and CD-F.
    /// </summary>
    public bool LiftsTargetFor(CdMode mode) => LiftTarget ?? OnByDefault(mode);

    /// <summary>
    /// Whether the scan of masks of <paramref name="mode"/> splits each class's penultimate features:
    /// <see cref="FeatureSplit"/> when set, else in probability mode (the default scan: all-to-all found when
    /// every class splits, and the target named by a clean reference set when one is given; confirmed on
    /// retrained models, onnx-models/README.md) and not for the paper's CD-L and CD-F.
    /// </summary>
    public bool SplitsFeaturesFor(CdMode mode) => FeatureSplit ?? OnByDefault(mode);

    /// <summary>Whether a judging step developed on the attack suite is on when not set: in probability mode, the default scan's, and not for the paper's CD-L and CD-F.</summary>
    private static bool OnByDefault(CdMode mode) => mode == CdMode.Probs;

    /// <summary>
    /// The default suspicion for masks of <paramref name="mode"/>: <see cref="SuspicionKind.SizeShapeFamily"/>
    /// in probability mode (the default scan, chosen on the attack suite and confirmed on retrained
    /// models: onnx-models/README.md) and the paper's <see cref="SuspicionKind.MaskSize"/> for CD-L and CD-F.
    /// </summary>
    public static SuspicionKind DefaultSuspicion(CdMode mode) => mode == CdMode.Probs ? SuspicionKind.SizeShapeFamily : SuspicionKind.MaskSize;
}
