namespace OnnxCd.Runtime.Data.Sources;

/// <summary>
/// A dataset read in a fixed, deterministic order with stable sample ids, a batch at a time (memory
/// does not grow with the dataset). A sample that cannot be read is returned with its reason, so a
/// scan can record it and go on.
/// </summary>
public abstract class DatasetSource : IDisposable
{
    /// <summary>The format and layout found, for reports (for example "ImageFolder, 10 classes").</summary>
    public abstract string Description { get; }

    /// <summary>The number of samples (readable or not).</summary>
    public abstract long Count { get; }

    /// <summary>Class names by label, when the layout names them (ImageFolder); null otherwise.</summary>
    public virtual IReadOnlyList<string>? ClassNames => null;

    /// <summary>Whether samples carry labels.</summary>
    public abstract bool HasLabels { get; }

    /// <summary>The samples with indices in [<paramref name="start"/>, <paramref name="end"/>), in order.</summary>
    public abstract IEnumerable<Sample> Read(long start, long end);

    /// <summary>The formats <see cref="Open"/> takes ("auto" detects one of the others).</summary>
    public static IReadOnlyList<string> Formats { get; } = ["auto", "folder", "npy", "idx", "cifar"];

    /// <summary>Opens <paramref name="path"/> in the given format ("auto" detects it) for a model taking images of <paramref name="spec"/>.</summary>
    /// <exception cref="DataException">The path is missing, the format unknown, or the data does not fit the model.</exception>
    public static DatasetSource Open(string path, string format, ImageSpec spec, string? labels = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(spec);
        var kind = format.ToLowerInvariant() == "auto" ? Detect(path) : format.ToLowerInvariant();
        if (labels is not null && kind is "folder" or "cifar")
        {
            throw new DataException(Setting.Message($"{Setting.Labels} is for npy and idx data; {kind} data carries its own labels."));
        }

        return kind switch
        {
            "folder" => new FolderSource(path, spec),
            "npy" => new NpySource(path, spec, labels),
            "idx" => new IdxSource(path, spec, labels),
            "cifar" => new CifarSource(path, spec),
            _ => throw new DataException($"Unknown data format '{format}'; use auto, folder, npy, idx or cifar."),
        };
    }

    /// <summary>Guesses the format of <paramref name="path"/> from what it holds.</summary>
    public static string Detect(string path)
    {
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path, "*.bin").Any(CifarSource.LooksLikeCifar) ? "cifar" : "folder";
        }

        if (!File.Exists(path))
        {
            throw new DataException($"Data path '{path}' does not exist.");
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".npy")
        {
            return "npy";
        }

        if (extension == ".bin")
        {
            return "cifar";
        }

        if (IdxSource.HasIdxMagic(path))
        {
            return "idx";
        }

        throw new DataException(Setting.Message($"Cannot tell the format of '{path}'. OnnxCd reads image folders (ImageFolder or flat), .npy arrays, IDX files (gzipped or not) and CIFAR-10 binary batches; name one with {Setting.Format}."));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases open files.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Checks that [start, end) lies inside the dataset.</summary>
    protected void CheckRange(long start, long end)
    {
        if (start < 0 || end > Count || start > end)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Samples [{start},{end}) are outside the dataset's {Count}.");
        }
    }
}
