namespace OnnxCd.Runtime.Data.Sources;

/// <summary>
/// CIFAR-10 binary batches: records of one label byte and 3,072 image bytes (32×32, R, G and B
/// planes). A folder is read file by file in name order (data_batch_1 … 5, then test_batch); a
/// truncated last record is reported as an unreadable sample.
/// </summary>
internal sealed class CifarSource : DatasetSource
{
    private const int ImageBytes = 3 * 32 * 32;
    private const int RecordBytes = 1 + ImageBytes;
    private readonly ImageSpec _spec;
    private readonly string _root;
    private readonly (string Path, long First, long Records, bool Truncated)[] _files;

    public CifarSource(string path, ImageSpec spec)
    {
        _spec = spec;
        _root = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.bin").Order(StringComparer.Ordinal).ToList()
            : [path];
        if (files.Count == 0)
        {
            throw new DataException($"'{path}' holds no CIFAR .bin batches.");
        }

        if (spec.Height != 32 || spec.Width != 32)
        {
            throw new DataException($"CIFAR-10 images are 32×32 but the model takes {spec.Height}×{spec.Width}.");
        }

        long first = 0;
        _files = files.Select(f =>
        {
            var length = new FileInfo(f).Length;
            var records = (length + RecordBytes - 1) / RecordBytes;
            var entry = (f, first, records, length % RecordBytes != 0);
            first += records;
            return entry;
        }).ToArray();
        Count = first;
    }

    public override string Description => $"CIFAR-10 binary, {_files.Length} file(s)";

    public override long Count { get; }

    public override bool HasLabels => true;

    /// <summary>Whether a file's size is a whole number of CIFAR-10 records.</summary>
    public static bool LooksLikeCifar(string path) => new FileInfo(path) is { Length: > 0 } f && f.Length % RecordBytes == 0;

    public override IEnumerable<Sample> Read(long start, long end)
    {
        CheckRange(start, end);
        var record = new byte[RecordBytes];
        foreach (var file in _files.Where(f => f.First < end && f.First + f.Records > start))
        {
            using var stream = NpyFile.Open(file.Path);
            var from = Math.Max(start, file.First);
            var to = Math.Min(end, file.First + file.Records);
            stream.Position = (from - file.First) * RecordBytes;
            for (var index = from; index < to; index++)
            {
                var id = $"{Path.GetRelativePath(_root, file.Path)}#{index - file.First}";
                var read = stream.ReadAtLeast(record, RecordBytes, throwOnEndOfStream: false);
                if (read < RecordBytes)
                {
                    yield return new Sample(index, id, null, null, $"truncated CIFAR record: {read} of {RecordBytes} bytes");
                    continue;
                }

                var pixels = PixelConversion.FromBytes(record.AsSpan(1), 3, channelsLast: false, _spec);
                yield return new Sample(index, id, record[0], pixels, null);
            }
        }
    }
}
