using System.IO.Enumeration;

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
    private const string DirectoryProblem = "a directory, not an image file";
    private readonly string _root;
    private readonly ImageSpec _spec;
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
        var top = Walk(_root, recursive: false).Where(e => !classDirectories.Contains(e.Path));
        if (classDirectories.Length > 0)
        {
            _classes = classDirectories.Select(d => Path.GetFileName(d)!).ToArray();
            var strays = top.Select(e => e with { Problem = e.Problem ?? "lies beside the class folders of an ImageFolder layout; move it into its class folder" });
            _entries = classDirectories
                .SelectMany((d, label) => Walk(d, recursive: true).Select(e => e with { Label = label }))
                .Concat(strays)
                .ToArray();
        }
        else
        {
            _entries = top.ToArray();
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
            var error = problem ?? (ImageFile.IsImagePath(path) ? null : $"not an allowed image type ({Path.GetExtension(path)}); OnnxCd reads {string.Join(", ", ImageFile.Extensions)}");
            if (error is null)
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

    /// <summary>
    /// The files under <paramref name="directory"/>, sorted by path, with the folders that cannot be
    /// read as images: those named like image files, and links to folders, which are not followed
    /// (a link back up would repeat files without end). Hidden entries are left out.
    /// </summary>
    private static IEnumerable<Entry> Walk(string directory, bool recursive)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = recursive, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true };
        var found = new FileSystemEnumerable<(string Path, bool IsDirectory, bool IsLink)>(
            directory,
            (ref FileSystemEntry e) => (e.ToFullPath(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0),
            options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.FileName.StartsWith('.'),
            ShouldRecursePredicate = (ref FileSystemEntry e) => !e.FileName.StartsWith('.') && (e.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        return found
            .Where(f => !f.IsDirectory || f.IsLink || ImageFile.IsImagePath(f.Path))
            .Select(f => new Entry(
                f.Path,
                null,
                !f.IsDirectory ? null
                    : f.IsLink ? "a link to a folder, which is not followed (a loop would repeat its files without end)"
                    : DirectoryProblem + (recursive ? " (the files inside it are read)" : " (its files are not read)")))
            .OrderBy(e => e.Path, StringComparer.Ordinal);
    }

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    /// <summary>A listed file or folder: its label, and why it cannot be read when that is known from the listing.</summary>
    private readonly record struct Entry(string Path, long? Label, string? Problem);
}
