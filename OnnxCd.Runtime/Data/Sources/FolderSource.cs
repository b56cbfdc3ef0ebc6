namespace OnnxCd.Runtime.Data.Sources;

/// <summary>
/// Images in a folder: the ImageFolder layout (one subfolder per class, classes sorted by name give
/// the labels 0, 1, …; files found recursively inside each class) or a flat folder of images
/// (no labels). Files are listed once, sorted by relative path; hidden files are left out. Images
/// are decoded one at a time, defensively (<see cref="ImageFile"/>); an unreadable one is reported
/// with its reason.
/// </summary>
internal sealed class FolderSource : DatasetSource
{
    private readonly string _root;
    private readonly ImageSpec _spec;
    private readonly (string Path, long? Label)[] _files;
    private readonly string[]? _classes;

    public FolderSource(string path, ImageSpec spec)
    {
        if (!Directory.Exists(path))
        {
            throw new DataException($"Image folder '{path}' does not exist.");
        }

        _root = Path.GetFullPath(path);
        _spec = spec;
        var classDirectories = Directory.EnumerateDirectories(_root).Where(d => !IsHidden(d)).Order(StringComparer.Ordinal).ToArray();
        if (classDirectories.Length > 0)
        {
            _classes = classDirectories.Select(d => Path.GetFileName(d)!).ToArray();
            _files = classDirectories
                .SelectMany((d, label) => Files(d, recursive: true).Select(f => (f, (long?)label)))
                .ToArray();
        }
        else
        {
            _files = Files(_root, recursive: false).Select(f => (f, (long?)null)).ToArray();
        }

        if (_files.Length == 0)
        {
            throw new DataException($"Image folder '{path}' holds no files.");
        }
    }

    public override string Description => _classes is null ? $"flat image folder, {_files.Length} files" : $"ImageFolder, {_classes.Length} classes, {_files.Length} files";

    public override long Count => _files.Length;

    public override IReadOnlyList<string>? ClassNames => _classes;

    public override bool HasLabels => _classes is not null;

    public override IEnumerable<Sample> Read(long start, long end)
    {
        CheckRange(start, end);
        for (var index = start; index < end; index++)
        {
            var (path, label) = _files[index];
            var id = Path.GetRelativePath(_root, path);
            float[]? pixels = null;
            string? error = null;
            if (!ImageFile.IsImagePath(path))
            {
                error = $"not an allowed image type ({Path.GetExtension(path)}); OnnxCd reads {string.Join(", ", ImageFile.Extensions)}";
            }
            else
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

    private static IEnumerable<string> Files(string directory, bool recursive) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = recursive, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true })
            .Where(f => !IsHidden(f) && !Path.GetRelativePath(directory, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal);

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');
}
