using System.Diagnostics;
using System.Globalization;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// Scans a dataset with Cognitive Distillation: streams it in batches (memory does not grow with the
/// dataset), records every result as it goes (<see cref="ScanJournal"/>), and writes the scores,
/// flags, metrics and report at the end (<see cref="ScanFinalizer"/>). A killed scan resumes where
/// it stopped and ends with the same outputs; a shard scans a slice, and shards merge into one scan.
/// </summary>
public static class Scanner
{
    /// <summary>The subfolder holding the scan of the clean reference set.</summary>
    public const string ReferenceFolder = "reference";

    /// <summary>The subfolder holding the CD-L run whose mask shapes <see cref="SuspicionKind.SizeAndShape"/> and <see cref="SuspicionKind.SizeShapeFamily"/> need: a whole CD-L scan of its own.</summary>
    public const string ShapeFolder = "logits";

    private const long MaxChannels = 64;
    private const long MaxSide = 16384;

    /// <summary>Scans <paramref name="settings"/>.Data with the model at <paramref name="modelPath"/> into <paramref name="folder"/>.</summary>
    /// <param name="modelPath">The .onnx classifier.</param>
    /// <param name="settings">Data, rule and CD settings.</param>
    /// <param name="folder">The output folder.</param>
    /// <param name="progress">Called after each batch.</param>
    /// <exception cref="ModelException">The model cannot be used.</exception>
    /// <exception cref="DataException">The data cannot be read, or the folder holds another scan.</exception>
    public static ScanSummary Scan(string modelPath, ScanSettings settings, string folder, Action<ScanProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = OnnxModel.Load(modelPath);
        var spec = ImageSpecOf(model, settings.InputSize);
        var clock = Stopwatch.StartNew();
        using var source = DatasetSource.Open(settings.Data, settings.Format, spec, settings.Labels);
        // Read before any work, so a truth file that does not fit costs no scan.
        var truth = LoadTruth(settings, source.Count);

        DistillerSet Distillers(CdOptions cd) => new(settings.Sessions.Select(execution => (Func<CognitiveDistiller>)(() =>
            CognitiveDistiller.Create(model, cd, [1, spec.Channels, spec.Height, spec.Width], execution, settings.BatchSize, settings.Noise))));

        var (start, end) = settings.Shard.Slice(source.Count);
        var identity = new ScanIdentity
        {
            Model = modelPath,
            ModelSha256 = ScanIdentity.Sha256Of(modelPath),
            Data = Path.GetFullPath(settings.Data),
            Format = settings.Format == "auto" ? DatasetSource.Detect(settings.Data) : settings.Format,
            Labels = settings.Labels is null ? null : Path.GetFullPath(settings.Labels),
            Count = source.Count,
            SliceStart = start,
            SliceEnd = end,
            Shard = settings.Shard.Count == 1 ? null : settings.Shard.ToString(),
            Image = [spec.Channels, spec.Height, spec.Width],
            Cd = string.Empty,
            Mode = settings.Cd.Mode,
            Mean = settings.Cd.Mean,
            Std = settings.Cd.Std,
            SaveMasks = settings.SaveMasks,
        };

        using var referenceSource = settings.Reference is { } referencePath ? DatasetSource.Open(referencePath, "auto", spec, settings.ReferenceLabels) : null;
        var referenceIdentity = referenceSource is null ? null : identity with
        {
            Data = Path.GetFullPath(settings.Reference!),
            Format = DatasetSource.Detect(settings.Reference!),
            Labels = settings.ReferenceLabels is null ? null : Path.GetFullPath(settings.ReferenceLabels),
            Count = referenceSource.Count,
            SliceStart = 0,
            SliceEnd = referenceSource.Count,
            Shard = null,
            SaveMasks = false,
        };
        var referenceFolder = Path.Combine(folder, ReferenceFolder);

        // One set of sessions at a time: the CD run the L1 comes from, then, where the suspicion needs it, the CD-L run of the mask shapes.
        long scanned;
        string provider;
        int batchSize;
        using (var distillers = Distillers(settings.Cd))
        {
            var cd = DescribeCd(distillers.First, settings.NoiseDescription);
            (identity, referenceIdentity) = (identity with { Cd = cd }, referenceIdentity is null ? null : referenceIdentity with { Cd = cd });
            scanned = Pass(distillers, source, identity, folder, settings.Resume, "scan", progress);
            if (referenceIdentity is not null)
            {
                Pass(distillers, referenceSource!, referenceIdentity, referenceFolder, settings.Resume, "reference", progress);
            }

            (provider, batchSize) = (distillers.Provider, distillers.First.BatchSize);
        }

        var run = new ScanRun(provider, scanned, clock.Elapsed.TotalSeconds, batchSize);

        if (Suspicion.NeedsShape(settings.SuspicionFor(settings.Cd.Mode)))
        {
            using var shapeDistillers = Distillers(ShapeCd(settings.Cd));
            var shapeIdentity = ShapeIdentity(identity, shapeDistillers.First, settings.NoiseDescription);
            var shapeClock = Stopwatch.StartNew();
            var shapeScanned = Pass(shapeDistillers, source, shapeIdentity, Path.Combine(folder, ShapeFolder), settings.Resume, "shape (CD-L)", progress);
            var shapeRun = new ScanRun(shapeDistillers.Provider, shapeScanned, shapeClock.Elapsed.TotalSeconds, shapeDistillers.First.BatchSize);
            ScanFinalizer.Finalize(Path.Combine(folder, ShapeFolder), shapeIdentity, ShapeSettings(settings), source, truth, null, Runs(Path.Combine(folder, ShapeFolder), settings.Resume, shapeRun));
            if (referenceIdentity is not null)
            {
                Pass(shapeDistillers, referenceSource!, ShapeIdentity(referenceIdentity, shapeDistillers.First, settings.NoiseDescription), Path.Combine(referenceFolder, ShapeFolder), settings.Resume, "reference shape (CD-L)", progress);
            }
        }

        var reference = referenceIdentity is null ? null : ScoredSamples.ReadScan(referenceFolder);
        return ScanFinalizer.Finalize(folder, identity, settings, source, truth, reference, Runs(folder, settings.Resume, run), progress);
    }

    /// <summary>This run, after the runs an earlier finished scan of the folder recorded when it is resumed.</summary>
    private static IReadOnlyList<ScanRun> Runs(string folder, bool resume, ScanRun run) =>
        resume ? [.. ScanSummary.ReadRuns(folder), run] : [run];

    /// <summary>The CD settings of the mask-shape run: CD-L with its own defaults (lr, α, β), the rest as <paramref name="cd"/>.</summary>
    internal static CdOptions ShapeCd(CdOptions cd) => cd with { Mode = CdMode.Logits, LearningRate = null, Alpha = null, Beta = null };

    private static ScanIdentity ShapeIdentity(ScanIdentity identity, CognitiveDistiller distiller, string noise) =>
        identity with { Cd = DescribeCd(distiller, noise), Mode = CdMode.Logits, SaveMasks = false };

    /// <summary>The judging settings of the mask-shape run's own outputs: a CD-L scan ranked by −L1, judged without a reference or a target lift.</summary>
    internal static ScanSettings ShapeSettings(ScanSettings settings) => settings with
    {
        Suspicion = SuspicionKind.MaskSize,
        Reference = null,
        LiftTarget = false,
        FeatureSplit = false,
        Detectors = [DetectorKind.Cd],
        Threshold = settings.Threshold.Kind == ThresholdKind.Reference ? new ThresholdRule(ThresholdKind.MeanStd, 1) : settings.Threshold,
    };

    /// <summary>The ground truth of <paramref name="settings"/> for a dataset of <paramref name="count"/> samples, or null when none is given.</summary>
    /// <exception cref="DataException">The truth file cannot be read or does not fit the dataset.</exception>
    internal static GroundTruth? LoadTruth(ScanSettings settings, long count) =>
        settings.Truth is null ? null : GroundTruth.Load(settings.Truth, count, settings.TruthKind);

    /// <summary>The model's image size: declared, or H and W from <paramref name="inputSize"/>.</summary>
    /// <exception cref="ModelException">The input is not an image [N,C,H,W] with a fixed channel count, its size is symbolic and not given, or it is too large to be an image.</exception>
    public static ImageSpec ImageSpecOf(OnnxModel model, long[]? inputSize)
    {
        var signature = ModelSignature.Of(model);
        var declared = signature.DeclaredInputShape;
        if (declared is not { Length: 4 } || declared[1] <= 0)
        {
            throw new ModelException($"Model '{model.Description}' declares input {(declared is null ? "without a shape" : TensorShape.Format(declared))}; CD needs images [N,C,H,W] with a fixed channel count.");
        }

        var dims = signature.ConcreteDims(signature.Inputs[0], inputSize);
        long channels = dims[1], height = dims[2], width = dims[3];
        if (channels > MaxChannels || height > MaxSide || width > MaxSide)
        {
            throw new ModelException($"'{model.Description}' takes images of {channels}×{height}×{width}; OnnxCd scans images of at most {MaxChannels} channels and {MaxSide}×{MaxSide} pixels.");
        }

        return new ImageSpec((int)channels, (int)height, (int)width);
    }

    /// <summary>
    /// Scans the samples of the identity's slice that the folder's journal does not hold yet; returns
    /// how many this run scanned. This thread reads and batches the data; each session distils whole
    /// batches on its own thread, and the journal takes them as they finish (it is read back by index,
    /// so the order does not matter). The batches are the same whatever the number of sessions.
    /// </summary>
    private static long Pass(DistillerSet distillers, DatasetSource source, ScanIdentity identity, string folder, bool resume, string stage, Action<ScanProgress>? progress)
    {
        using var journal = ScanJournal.Open(folder, identity, resume);
        var total = identity.SliceEnd - identity.SliceStart;
        var done = journal.Done.Count;
        var errors = (long)ScanJournal.ReadErrors(folder).Count;
        var scanned = 0L;
        var size = identity.Image[0] * identity.Image[1] * identity.Image[2];
        var batchSize = distillers.First.BatchSize;
        progress?.Invoke(new ScanProgress(stage, done, total, errors));

        void Distil(CognitiveDistiller distiller, ScanBatch work)
        {
            var records = new List<ScanRecord>(work.Samples.Count);
            var masks = Array.Empty<float>();
            if (work.Samples.Count > 0)
            {
                var images = new float[work.Samples.Count * size];
                for (var i = 0; i < work.Samples.Count; i++)
                {
                    work.Samples[i].Pixels!.CopyTo(images, i * size);
                }

                var result = distiller.Distill(images, [work.Samples.Count, .. identity.Image], work.Samples.Select(s => s.Index).ToArray());
                masks = result.Masks;
                for (var i = 0; i < work.Samples.Count; i++)
                {
                    var sample = work.Samples[i];
                    records.Add(new ScanRecord(sample.Index, sample.Id, sample.Label, result.Predicted?[i], result.L1[i], result.Loss[i]));
                }
            }

            lock (journal)
            {
                journal.Append(records, masks, work.Failed);
                done += work.Samples.Count + work.Failed.Count;
                scanned += work.Samples.Count;
                errors += work.Failed.Count;
                progress?.Invoke(new ScanProgress(stage, done, total, errors));
            }
        }

        distillers.Run(Batches(source, identity, journal.Done, batchSize), Distil);
        return scanned;
    }

    /// <summary>The slice's samples not yet done, in batches of <paramref name="batchSize"/> readable samples with the unreadable ones met on the way.</summary>
    private static IEnumerable<ScanBatch> Batches(DatasetSource source, ScanIdentity identity, SliceIndexSet done, int batchSize)
    {
        var batch = new List<Sample>(batchSize);
        var failed = new List<ScanError>();
        foreach (var sample in source.Read(identity.SliceStart, identity.SliceEnd))
        {
            if (done.Contains(sample.Index))
            {
                continue;
            }

            if (sample.Pixels is null)
            {
                failed.Add(new ScanError(sample.Index, sample.Id, sample.Error ?? "unreadable"));
            }
            else
            {
                batch.Add(sample);
            }

            if (batch.Count == batchSize)
            {
                yield return new ScanBatch(batch, failed);
                (batch, failed) = (new List<Sample>(batchSize), []);
            }
        }

        if (batch.Count > 0 || failed.Count > 0)
        {
            yield return new ScanBatch(batch, failed);
        }
    }

    private sealed record ScanBatch(List<Sample> Samples, List<ScanError> Failed);

    private static string DescribeCd(CognitiveDistiller distiller, string noise)
    {
        var o = distiller.Options;
        var invariant = CultureInfo.InvariantCulture;
        return string.Join(
            "; ",
            $"mode {o.Mode.ToString().ToLowerInvariant()} matching '{distiller.Graphs.Matched}'",
            $"steps {o.Steps}",
            string.Create(invariant, $"lr {o.EffectiveLearningRate:R}, alpha {o.EffectiveAlpha:R}, beta {o.EffectiveBeta:R}"),
            string.Create(invariant, $"adam betas {o.Beta1:R}/{o.Beta2:R}, eps {o.Epsilon:R}, theta0 {o.InitialTheta:R}"),
            $"noise {noise}",
            o.Mean is null ? "no normalisation" : $"normalisation mean {string.Join(",", o.Mean.Select(v => v.ToString("R", invariant)))} std {string.Join(",", o.Std!.Select(v => v.ToString("R", invariant)))}");
    }
}
