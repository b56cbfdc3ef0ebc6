using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OnnxCd.Runtime.Data;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// The append-only record of a scan in its folder, flushed after every batch so a killed scan loses
/// at most the batch in flight: journal.csv (one line per scanned sample), errors.csv (one line per
/// unreadable sample), masks-u8.npy (every mask ×255 as uint8, [slice,1,H,W]) and, with
/// saved masks, masks.npy (float32). Masks are written before the lines that declare them done,
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

    /// <summary>The float32 masks (when the scan saves them).</summary>
    public const string MasksFile = "masks.npy";

    private const string JournalHeader = "index,id,label,predicted,l1,loss";
    private const string ErrorsHeader = "index,id,reason";
    private readonly StreamWriter _journal;
    private readonly StreamWriter _errors;
    private readonly NpyRowWriter _masksU8;
    private readonly NpyRowWriter? _masks;
    private readonly long _sliceStart;
    private readonly int _maskSize;

    private ScanJournal(string folder, ScanIdentity identity, SliceIndexSet done)
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

    /// <summary>Indices of the slice already scanned or recorded as unreadable (from an earlier run, when resuming).</summary>
    public SliceIndexSet Done { get; }

    /// <summary>
    /// Opens the journal of <paramref name="folder"/> for <paramref name="identity"/>: a new folder, or
    /// (with <paramref name="resume"/>) one whose scan.json matches.
    /// </summary>
    /// <exception cref="DataException">The folder holds another scan, or a scan without <paramref name="resume"/>.</exception>
    public static ScanJournal Open(string folder, ScanIdentity identity, bool resume)
    {
        Directory.CreateDirectory(folder);
        var existing = ScanIdentity.Read(folder);
        if (existing is not null && !resume)
        {
            throw new DataException(Setting.Message($"'{folder}' already holds a scan; add {Setting.Resume} to continue it, or choose another output folder ({Setting.OutputFolder})."));
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

        var done = new SliceIndexSet(identity.SliceStart, identity.SliceEnd);
        foreach (var (_, record) in ReadRecordLines(Path.Combine(folder, JournalFile)))
        {
            done.Add(record.Index);
        }

        foreach (var error in ReadErrors(folder))
        {
            done.Add(error.Index);
        }

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
        WriteLines(_errors, errors.Select(ErrorLine));
        WriteLines(_journal, records.Select(Line));
    }

    /// <summary>Every scanned sample recorded in <paramref name="folder"/>, by index.</summary>
    /// <exception cref="DataException">The journal is not an OnnxCd journal, or a line of it cannot be read.</exception>
    public static List<ScanRecord> ReadRecords(string folder) =>
        ReadRecordLines(Path.Combine(folder, JournalFile))
            .Select(line => line.Record)
            .GroupBy(r => r.Index)
            .Select(g => g.Last())
            .OrderBy(r => r.Index)
            .ToList();

    /// <summary>Every unreadable sample recorded in <paramref name="folder"/>, by index.</summary>
    /// <exception cref="DataException">The error file is not an OnnxCd journal, or a line of it cannot be read.</exception>
    public static List<ScanError> ReadErrors(string folder)
    {
        var path = Path.Combine(folder, ErrorsFile);
        return ReadLines(path, ErrorsHeader)
            .Select(line => line.Fields.Count == 3
                ? new ScanError(ParseIndex(line.Fields[0], path, line.Offset), line.Fields[1], line.Fields[2])
                : throw Malformed(path, line.Offset, $"{line.Fields.Count} fields where '{ErrorsHeader}' has 3"))
            .GroupBy(e => e.Index)
            .Select(g => g.Last())
            .OrderBy(e => e.Index)
            .ToList();
    }

    /// <summary>The scanned samples of a journal file line by line, in file order, with the offset of each line.</summary>
    internal static IEnumerable<(long Offset, ScanRecord Record)> ReadRecordLines(string path) =>
        ReadLines(path, JournalHeader).Select(line => (line.Offset, ParseRecord(line.Fields, path, line.Offset)));

    /// <summary>The record of one journal line; <paramref name="offset"/> places it in <paramref name="path"/> for errors.</summary>
    internal static ScanRecord ParseRecord(string line, string path, long offset) => ParseRecord(Csv.Split(line), path, offset);

    /// <summary>Writes a complete journal (records and errors) to <paramref name="folder"/>, as merge does.</summary>
    public static void WriteAll(string folder, IEnumerable<ScanRecord> records, IEnumerable<ScanError> errors)
    {
        AtomicFile.WriteAllLines(Path.Combine(folder, JournalFile), records.Select(Line).Prepend(JournalHeader));
        AtomicFile.WriteAllLines(Path.Combine(folder, ErrorsFile), errors.Select(ErrorLine).Prepend(ErrorsHeader));
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

    private static string ErrorLine(ScanError e) => string.Join(",", e.Index.ToString(CultureInfo.InvariantCulture), Csv.Field(e.Id), Csv.Field(e.Reason));

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

    private static ScanRecord ParseRecord(List<string> fields, string path, long offset)
    {
        if (fields.Count != 6)
        {
            throw Malformed(path, offset, $"{fields.Count} fields where '{JournalHeader}' has 6");
        }

        return new ScanRecord(
            ParseIndex(fields[0], path, offset),
            fields[1],
            fields[2].Length == 0 ? null : ParseIndex(fields[2], path, offset),
            fields[3].Length == 0 ? null : ParseIndex(fields[3], path, offset),
            ParseNumber(fields[4], path, offset),
            ParseNumber(fields[5], path, offset));
    }

    private static long ParseIndex(string field, string path, long offset) =>
        long.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : throw Malformed(path, offset, $"'{field}' is not a whole number");

    private static double ParseNumber(string field, string path, long offset) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw Malformed(path, offset, $"'{field}' is not a number");

    private static DataException Malformed(string path, long offset, string problem) =>
        new(Setting.Message($"'{path}' has a damaged line at byte {offset}: {problem}. Delete that line (the sample is then scanned again with {Setting.Resume}) or start a new scan."));

    /// <summary>The fields of each complete line after the header, streamed with their offsets (a torn last line without its newline is left out).</summary>
    private static IEnumerable<(long Offset, List<string> Fields)> ReadLines(string path, string header)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        var first = true;
        foreach (var (offset, line) in JournalLines.Read(path))
        {
            if (first && line != header)
            {
                throw new DataException($"'{path}' does not start with '{header}'; it is not an OnnxCd scan journal.");
            }

            if (!first && line.Length > 0)
            {
                yield return (offset, Csv.Split(line));
            }

            first = false;
        }
    }
}
