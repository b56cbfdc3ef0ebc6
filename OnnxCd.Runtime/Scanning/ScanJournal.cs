using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Reporting;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// The append-only record of a scan in its folder, flushed after every batch so a killed scan loses
/// at most the batch in flight: journal.csv (one line per scanned sample), errors.csv (one line per
/// unreadable sample), masks-u8.npy (every mask ×255 as uint8, [slice,1,H,W]) and, with
/// --save-masks, masks.npy (float32). Masks are written before the lines that declare them done,
/// and rewriting a row is harmless, so a resumed scan never sees a half-written batch.
/// </summary>
public sealed class ScanJournal : IDisposable
{
    /// <summary>The journal's file of scanned samples.</summary>
    public const string JournalFile = "journal.csv";

    /// <summary>The file of unreadable samples.</summary>
    public const string ErrorsFile = "errors.csv";

    /// <summary>The uint8 masks.</summary>
    public const string MasksU8File = "masks-u8.npy";

    /// <summary>The float32 masks (with --save-masks).</summary>
    public const string MasksFile = "masks.npy";

    private const string JournalHeader = "index,id,label,predicted,l1,loss";
    private const string ErrorsHeader = "index,id,reason";
    private readonly StreamWriter _journal;
    private readonly StreamWriter _errors;
    private readonly NpyRowWriter _masksU8;
    private readonly NpyRowWriter? _masks;
    private readonly long _sliceStart;
    private readonly int _maskSize;

    private ScanJournal(string folder, ScanIdentity identity, HashSet<long> done)
    {
        Folder = folder;
        Done = done;
        _sliceStart = identity.SliceStart;
        _maskSize = identity.Image[1] * identity.Image[2];
        long[] maskShape = [identity.SliceEnd - identity.SliceStart, 1, identity.Image[1], identity.Image[2]];
        _masksU8 = NpyRowWriter.OpenOrCreate(Path.Combine(folder, MasksU8File), NpyType.UInt8, maskShape);
        _masks = identity.SaveMasks ? NpyRowWriter.OpenOrCreate(Path.Combine(folder, MasksFile), NpyType.Float32, maskShape) : null;
        _journal = Append(Path.Combine(folder, JournalFile), JournalHeader);
        _errors = Append(Path.Combine(folder, ErrorsFile), ErrorsHeader);
    }

    /// <summary>The scan folder.</summary>
    public string Folder { get; }

    /// <summary>Indices already scanned or recorded as unreadable (from an earlier run, when resuming).</summary>
    public IReadOnlySet<long> Done { get; }

    /// <summary>
    /// Opens the journal of <paramref name="folder"/> for <paramref name="identity"/>: a new folder, or
    /// (with <paramref name="resume"/>) one whose scan.json matches.
    /// </summary>
    /// <exception cref="DataException">The folder holds another scan, or a scan without --resume.</exception>
    public static ScanJournal Open(string folder, ScanIdentity identity, bool resume)
    {
        Directory.CreateDirectory(folder);
        var existing = ScanIdentity.Read(folder);
        if (existing is not null && !resume)
        {
            throw new DataException($"'{folder}' already holds a scan; add --resume to continue it, or choose another --out.");
        }

        if (existing is not null)
        {
            var differences = existing.DifferencesFrom(identity).ToList();
            if (existing.SliceStart != identity.SliceStart || existing.SliceEnd != identity.SliceEnd)
            {
                differences.Add($"slice: [{existing.SliceStart},{existing.SliceEnd}) vs [{identity.SliceStart},{identity.SliceEnd})");
            }

            if (differences.Count > 0)
            {
                throw new DataException($"'{folder}' holds a scan with other settings, so it cannot be resumed: {string.Join("; ", differences)}.");
            }
        }
        else
        {
            identity.Write(folder);
        }

        var done = ReadRecords(folder).Select(r => r.Index).Concat(ReadErrors(folder).Select(e => e.Index)).ToHashSet();
        return new ScanJournal(folder, identity, done);
    }

    /// <summary>Records one batch: masks first, then errors, then the scored samples; each file flushed.</summary>
    /// <param name="records">Scanned samples.</param>
    /// <param name="masks">Their masks, [records,H,W] in record order.</param>
    /// <param name="errors">Unreadable samples.</param>
    public void Append(IReadOnlyList<ScanRecord> records, ReadOnlySpan<float> masks, IReadOnlyList<ScanError> errors)
    {
        var bytes = new byte[_maskSize];
        for (var i = 0; i < records.Count; i++)
        {
            var mask = masks.Slice(i * _maskSize, _maskSize);
            for (var p = 0; p < _maskSize; p++)
            {
                bytes[p] = (byte)Math.Clamp(MathF.Round(mask[p] * 255), 0, 255);
            }

            var row = records[i].Index - _sliceStart;
            _masksU8.WriteRow(row, bytes);
            _masks?.WriteRow(row, MemoryMarshal.AsBytes(mask));
        }

        _masksU8.Flush();
        _masks?.Flush();
        WriteLines(_errors, errors.Select(e => string.Join(",", e.Index.ToString(CultureInfo.InvariantCulture), Csv.Field(e.Id), Csv.Field(e.Reason))));
        WriteLines(_journal, records.Select(Line));
    }

    /// <summary>Every scanned sample recorded in <paramref name="folder"/>, by index.</summary>
    public static List<ScanRecord> ReadRecords(string folder) =>
        ReadLines(Path.Combine(folder, JournalFile), JournalHeader)
            .Select(fields => new ScanRecord(
                long.Parse(fields[0], CultureInfo.InvariantCulture),
                fields[1],
                fields[2].Length == 0 ? null : long.Parse(fields[2], CultureInfo.InvariantCulture),
                fields[3].Length == 0 ? null : long.Parse(fields[3], CultureInfo.InvariantCulture),
                double.Parse(fields[4], CultureInfo.InvariantCulture),
                double.Parse(fields[5], CultureInfo.InvariantCulture)))
            .GroupBy(r => r.Index)
            .Select(g => g.Last())
            .OrderBy(r => r.Index)
            .ToList();

    /// <summary>Every unreadable sample recorded in <paramref name="folder"/>, by index.</summary>
    public static List<ScanError> ReadErrors(string folder) =>
        ReadLines(Path.Combine(folder, ErrorsFile), ErrorsHeader)
            .Select(fields => new ScanError(long.Parse(fields[0], CultureInfo.InvariantCulture), fields[1], fields[2]))
            .GroupBy(e => e.Index)
            .Select(g => g.Last())
            .OrderBy(e => e.Index)
            .ToList();

    /// <summary>Writes a complete journal (records and errors) to <paramref name="folder"/>, as merge does.</summary>
    public static void WriteAll(string folder, IEnumerable<ScanRecord> records, IEnumerable<ScanError> errors)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, JournalFile), JournalHeader + "\n" + string.Concat(records.Select(r => Line(r) + "\n")));
        AtomicFile.WriteAllText(Path.Combine(folder, ErrorsFile), ErrorsHeader + "\n" + string.Concat(errors.Select(e => string.Join(",", e.Index.ToString(CultureInfo.InvariantCulture), Csv.Field(e.Id), Csv.Field(e.Reason)) + "\n")));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _journal.Dispose();
        _errors.Dispose();
        _masksU8.Dispose();
        _masks?.Dispose();
    }

    private static string Line(ScanRecord r) => string.Join(
        ",",
        r.Index.ToString(CultureInfo.InvariantCulture),
        Csv.Field(r.Id),
        r.Label?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        r.Predicted?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        r.L1.ToString("R", CultureInfo.InvariantCulture),
        r.Loss.ToString("R", CultureInfo.InvariantCulture));

    private static void WriteLines(StreamWriter writer, IEnumerable<string> lines)
    {
        var text = string.Concat(lines.Select(l => l + "\n"));
        if (text.Length == 0)
        {
            return;
        }

        writer.Write(text);
        writer.Flush();
        ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
    }

    /// <summary>Opens a CSV for appending; a torn last line (a run killed mid-write) is cut off first.</summary>
    private static StreamWriter Append(string path, string header)
    {
        var exists = File.Exists(path) && new FileInfo(path).Length > 0;
        if (exists)
        {
            CutTornLine(path);
        }

        var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        if (!exists)
        {
            writer.Write(header + "\n");
            writer.Flush();
        }

        return writer;
    }

    private static void CutTornLine(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var length = stream.Length;
        var position = length;
        while (position > 0)
        {
            stream.Position = position - 1;
            if (stream.ReadByte() == '\n')
            {
                break;
            }

            position--;
        }

        if (position != length)
        {
            stream.SetLength(position);
        }
    }

    /// <summary>The fields of each complete line after the header, streamed (a torn last line without its newline is left out).</summary>
    private static IEnumerable<List<string>> ReadLines(string path, string header)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            yield break;
        }

        bool complete;
        using (var probe = File.OpenRead(path))
        {
            probe.Position = probe.Length - 1;
            complete = probe.ReadByte() == '\n';
        }

        using var reader = new StreamReader(path, new UTF8Encoding(false));
        var first = reader.ReadLine();
        if (first != header)
        {
            throw new DataException($"'{path}' does not start with '{header}'; it is not an OnnxCd scan journal.");
        }

        string? line = reader.ReadLine();
        while (line is not null)
        {
            var next = reader.ReadLine();
            if (line.Length > 0 && (next is not null || complete))
            {
                yield return Csv.Split(line);
            }

            line = next;
        }
    }
}
