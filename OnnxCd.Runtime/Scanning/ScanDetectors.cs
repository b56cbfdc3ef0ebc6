using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detectors;
using OnnxCd.Runtime.Features;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// The detectors beside CD (<see cref="ScanSettings.Detectors"/>) over a finished scan's samples: their inputs
/// read from the scan (its classes, the penultimate features the feature split also uses, the images read again
/// from the data, the model that scanned as a classifier), and their scores.
/// </summary>
internal static class ScanDetectors
{
    /// <summary>The samples between two progress reports of a detector that reads the images.</summary>
    private const int ProgressEvery = 256;

    /// <summary>Each chosen detector's scores, CD's being <paramref name="suspicion"/>; <paramref name="progress"/> is told each detector's stage ("detector NAME") as it starts, and how many images it has read.</summary>
    /// <exception cref="DataException">A scored sample cannot be read again.</exception>
    /// <exception cref="ModelException">A detector needs what the model does not have.</exception>
    public static IReadOnlyList<DetectorScores> Run(ScanIdentity identity, ScanSettings settings, DatasetSource source, ScoredSamples samples, IReadOnlyList<long>? classes, ScoredSamples? reference, Lazy<OnnxModel> model, Lazy<IReadOnlyList<SampleFeatures>?> features, double[] suspicion, double cdSeconds, Action<ScanProgress>? progress)
    {
        var scored = new HashSet<long>(samples.Indices);
        var stage = "detector";
        var execution = settings.Sessions[0];
        ModelClassifier? opened = null;
        try
        {
            var inputs = new DetectorInputs
            {
                // Without labels or predictions, every sample is of one class.
                Classes = classes ?? new long[samples.Count],
                Features = new Lazy<IReadOnlyList<float[]>?>(() => features.Value?.Select(f => f.Values).ToList()),
                Images = () => Reported(Images(identity, source, scored, samples.Count), stage, samples.Count, progress),
                Classifier = new Lazy<IImageClassifier>(() => opened = ModelClassifier.Open(model.Value, identity.Mean, identity.Std, identity.Image, settings.BatchSize, execution)),
                Overlays = new Lazy<IReadOnlyList<float[]>>(() => Overlays(identity, source, samples, reference, settings.StripOverlays)),
            };
            return DetectorSuite.Run(settings.Detectors, inputs, suspicion, cdSeconds, name =>
            {
                stage = $"detector {name}";
                progress?.Invoke(new ScanProgress(stage, 0, samples.Count, 0));
            });
        }
        finally
        {
            opened?.Dispose();
        }
    }

    /// <summary><paramref name="images"/>, telling <paramref name="progress"/> every <see cref="ProgressEvery"/> images and at the end.</summary>
    private static IEnumerable<float[]> Reported(IEnumerable<float[]> images, string stage, int total, Action<ScanProgress>? progress)
    {
        var done = 0;
        foreach (var image in images)
        {
            yield return image;
            if (++done % ProgressEvery == 0 || done == total)
            {
                progress?.Invoke(new ScanProgress(stage, done, total, 0));
            }
        }
    }

    /// <summary>The scored samples' images, read again from the data in index order.</summary>
    /// <exception cref="DataException">A scored sample cannot be read again.</exception>
    private static IEnumerable<float[]> Images(ScanIdentity identity, DatasetSource source, HashSet<long> scored, int count)
    {
        var read = 0;
        foreach (var sample in source.Read(identity.SliceStart, identity.SliceEnd).Where(s => scored.Contains(s.Index)))
        {
            read++;
            yield return sample.Pixels ?? throw new DataException(Setting.Message($"Sample {sample.Index} of '{identity.Data}' was scored but cannot be read again for the detectors ({sample.Error}): restore the data, or judge with CD alone ({Setting.Detectors} cd)."));
        }

        if (read != count)
        {
            throw new DataException(Setting.Message($"{count - read} scored sample(s) of '{identity.Data}' are gone: the detectors read the scored images again; restore the data, or judge with CD alone ({Setting.Detectors} cd)."));
        }
    }

    /// <summary>
    /// The images STRIP superimposes: <paramref name="count"/> spread evenly over the clean reference set's scored
    /// images when the scan has one, else over the scan's own (all of them when there are fewer).
    /// </summary>
    private static IReadOnlyList<float[]> Overlays(ScanIdentity identity, DatasetSource source, ScoredSamples samples, ScoredSamples? reference, int count)
    {
        using var referenceSource = ScanFinalizer.OpenReference(identity, reference);
        if (referenceSource is not null)
        {
            return Spread(referenceSource, reference!.Indices, count, 0, referenceSource.Count);
        }

        return Spread(source, samples.Indices, count, identity.SliceStart, identity.SliceEnd);
    }

    /// <summary>
    /// The images of <paramref name="count"/> of <paramref name="indices"/> spread evenly over them (positions
    /// ⌊k·n / count⌋): no random draw, so any implementation picks the same ones, and a dataset stored class by
    /// class gives every class its share.
    /// </summary>
    internal static List<float[]> Spread(DatasetSource source, IReadOnlyList<long> indices, int count, long start, long end)
    {
        var n = indices.Count;
        var wanted = new HashSet<long>(Enumerable.Range(0, Math.Min(count, n)).Select(k => indices[(int)((long)k * n / Math.Min(count, n))]));
        return source.Read(start, end).Where(s => wanted.Contains(s.Index) && s.Pixels is not null).Select(s => s.Pixels!).ToList();
    }
}
