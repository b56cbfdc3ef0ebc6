namespace OnnxCd.Runtime.Data.Sources;

/// <summary>
/// Images in a folder: the ImageFolder layout (one subfolder per class, classes sorted by name give
/// the labels 0, 1, …; files found recursively inside each class) or a flat folder of images
/// (no labels). Files are listed once, sorted by relative path; hidden files are left out. Images
/// are decoded one at a time, defensively (<see cref="ImageFile"/>); an unreadable one is reported
/// with its reason. Nothing found is dropped in silence: a directory named like an image, and a
/// file beside the class folders of an ImageFolder layout, are listed as samples that cannot be read.
/// </summary>
internal sealed class FolderSource : DatasetSource
{
    private readonly string _root;
    private readonly ImageSpec _spec;
    private const string DirectoryProblem = "a directory, not an image file";
    private readonly Entry[] _entries;
    private readonly string[]? _classes;

    public FolderSource(string path, ImageSpec spec)
    {
        if (!Directory.Exists(path))
        {
            throw new DataException($"Image folder '{path}' does not exist.");
        }

        _root = Path.GetFullPath(path);
        _spec = spec;
        var subfolders = Directory.EnumerateDirectories(_root).Where(d => !IsHidden(d)).Order(StringComparer.Ordinal).ToArray();
        var classDirectories = subfolders.Where(d => !ImageFile.IsImagePath(d)).ToArray();
        var topImpostors = subfolders.Where(ImageFile.IsImagePath).ToArray();
        if (classDirectories.Length > 0)
        {
            _classes = classDirectories.Select(d => Path.GetFileName(d)!).ToArray();
            var strays = Files(_root, recursive: false).Select(f => new Entry(f, null, "lies beside the class folders of an ImageFolder layout; move it into its class folder"))
                .Concat(topImpostors.Select(d => new Entry(d, null, DirectoryProblem)));
            _entries = classDirectories
                .SelectMany((d, label) => Files(d, recursive: true).Select(f => new Entry(f, label, null))
                    .Concat(ImpostorsUnder(d).Select(i => new Entry(i, label, DirectoryProblem + " (the files inside it are read)"))))
                .Concat(strays.OrderBy(e => e.Path, StringComparer.Ordinal))
                .ToArray();
        }
        else
        {
            _entries = Files(_root, recursive: false).Select(f => new Entry(f, null, null))
                .Concat(topImpostors.Select(d => new Entry(d, null, DirectoryProblem + " (a flat folder is not searched in subfolders)")))
                .OrderBy(e => e.Path, StringComparer.Ordinal)
                .ToArray();
        }

        if (_entries.Length == 0)
        {
            throw new DataException($"Image folder '{path}' holds no files.");
        }
    }

    public override string Description => _classes is null ? $"flat image folder, {_entries.Length} files" : $"ImageFolder, {_classes.Length} classes, {_entries.Length} files";

    public override long Count => _entries.Length;

    public override IReadOnlyList<string>? ClassNames => _classes;

    public override bool HasLabels => _classes is not null;

    public override IEnumerable<Sample> Read(long start, long end)
    {
        CheckRange(start, end);
        for (var index = start; index < end; index++)
        {
            var (path, label, problem) = _entries[index];
            var id = Path.GetRelativePath(_root, path);
            float[]? pixels = null;
            var error = problem;
            if (error is null && !ImageFile.IsImagePath(path))
            {
                error = $"not an allowed image type ({Path.GetExtension(path)}); OnnxCd reads {string.Join(", ", ImageFile.Extensions)}";
            }
            else if (error is null)
            {
                try
                {
                    pixels = ImageFile.Read(path, _spec.Channels, _spec.Height, _spec.Width);
                }
                catch (DataException e)
                {
                    error = e.Message;
                }
            }

            yield return new Sample(index, id, label, pixels, error);
        }
    }

    private static EnumerationOptions Options(bool recursive) =>
        new() { RecurseSubdirectories = recursive, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true };

    private static IEnumerable<string> Files(string directory, bool recursive) =>
        Directory.EnumerateFiles(directory, "*", Options(recursive))
            .Where(f => !IsHidden(f) && !Path.GetRelativePath(directory, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal);

    /// <summary>Directories under <paramref name="directory"/> (at any depth) whose names look like image files.</summary>
    private static IEnumerable<string> ImpostorsUnder(string directory) =>
        Directory.EnumerateDirectories(directory, "*", Options(recursive: true))
            .Where(d => ImageFile.IsImagePath(d) && !Path.GetRelativePath(directory, d).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal);

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    /// <summary>A listed file or folder: its label, and why it cannot be read when that is known from the listing.</summary>
    private readonly record struct Entry(string Path, long? Label, string? Problem);
}
