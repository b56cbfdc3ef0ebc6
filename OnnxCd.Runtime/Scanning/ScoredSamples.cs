namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// The scored samples of a journal's slice, column by column in index order (where an index has
/// several lines, the last wins): 40 bytes a sample. Ids and losses stay in the journal and are read
/// back by each line's offset: 40 MB for a million samples, where their records with ids cost
/// about four times as much.
/// </summary>
public sealed class ScoredSamples
{
    private const long None = long.MinValue;
    private readonly string _path;
    private readonly long[] _indices;
    private readonly double[] _scores;
    private readonly long[] _labels;
    private readonly long[] _predicted;
    private readonly long[] _offsets;

    private ScoredSamples(string path, long[] indices, double[] scores, long[] labels, long[] predicted, long[] offsets, int count)
    {
        _path = path;
        (_indices, _scores, _labels, _predicted, _offsets) = (indices, scores, labels, predicted, offsets);
        Count = count;
        Indices = new ArraySegment<long>(indices, 0, count);
        Scores = new ArraySegment<double>(scores, 0, count);
        AllLabelled = Array.IndexOf(labels, None, 0, count) < 0;
        AllPredicted = Array.IndexOf(predicted, None, 0, count) < 0;
    }

    /// <summary>The scan folder whose journal these samples were read from.</summary>
    public string Folder => Path.GetDirectoryName(_path)!;

    /// <summary>How many samples were scored.</summary>
    public int Count { get; }

    /// <summary>Their dataset indices, ascending.</summary>
    public IReadOnlyList<long> Indices { get; }

    /// <summary>Their scores (L1 of the mask), in the same order.</summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>Whether every scored sample has a label.</summary>
    public bool AllLabelled { get; }

    /// <summary>Whether every scored sample has a predicted label.</summary>
    public bool AllPredicted { get; }

    /// <summary>The labels, when <see cref="AllLabelled"/>.</summary>
    public IReadOnlyList<long> Labels => AllLabelled ? new ArraySegment<long>(_labels, 0, Count) : throw new InvalidOperationException("Some scored samples have no label.");

    /// <summary>The predicted labels, when <see cref="AllPredicted"/>.</summary>
    public IReadOnlyList<long> PredictedLabels => AllPredicted ? new ArraySegment<long>(_predicted, 0, Count) : throw new InvalidOperationException("Some scored samples have no predicted label.");

    /// <summary>Reads the lines of <paramref name="folder"/>'s journal whose index lies in [<paramref name="sliceStart"/>, <paramref name="sliceEnd"/>).</summary>
    /// <exception cref="DataException">The journal is not an OnnxCd journal, or a line of it cannot be read.</exception>
    public static ScoredSamples Read(string folder, long sliceStart, long sliceEnd)
    {
        var path = Path.Combine(folder, ScanJournal.JournalFile);
        var size = checked((int)(sliceEnd - sliceStart));
        var offsets = new long[size];
        Array.Fill(offsets, -1);
        var (indices, scores, labels, predicted) = (new long[size], new double[size], new long[size], new long[size]);
        foreach (var (offset, record) in ScanJournal.ReadRecordLines(path))
        {
            if (record.Index >= sliceStart && record.Index < sliceEnd)
            {
                var row = (int)(record.Index - sliceStart);
                (offsets[row], scores[row], labels[row], predicted[row]) = (offset, record.L1, record.Label ?? None, record.Predicted ?? None);
            }
        }

        // Keep the rows that were scored, in index order, at the front of each column.
        var count = 0;
        for (var row = 0; row < size; row++)
        {
            if (offsets[row] >= 0)
            {
                (indices[count], offsets[count], scores[count], labels[count], predicted[count]) = (sliceStart + row, offsets[row], scores[row], labels[row], predicted[row]);
                count++;
            }
        }

        return new ScoredSamples(path, indices, scores, labels, predicted, offsets, count);
    }

    /// <summary>Reads the whole slice of the scan in <paramref name="folder"/>, as its scan.json gives it.</summary>
    /// <exception cref="DataException">The folder holds no scan, or its journal cannot be read.</exception>
    public static ScoredSamples ReadScan(string folder)
    {
        var identity = ScanIdentity.Read(folder) ?? throw new DataException($"'{folder}' holds no scan (no {Path.Combine(folder, "scan.json")}).");
        return Read(folder, identity.SliceStart, identity.SliceEnd);
    }

    /// <summary>The whole record of the <paramref name="i"/>th scored sample, read back from the journal.</summary>
    public ScanRecord Record(int i)
    {
        using var reader = new JournalLineReader(_path);
        return RecordAt(reader, i);
    }

    /// <summary>Every scored sample's whole record, in index order, read back from the journal as they are enumerated.</summary>
    public IEnumerable<ScanRecord> Records()
    {
        using var reader = new JournalLineReader(_path);
        for (var i = 0; i < Count; i++)
        {
            yield return RecordAt(reader, i);
        }
    }

    private ScanRecord RecordAt(JournalLineReader reader, int i)
    {
        var record = ScanJournal.ParseRecord(reader.LineAt(_offsets[i]), _path, _offsets[i]);
        return record.Index == _indices[i] ? record : throw new DataException($"'{_path}' changed while the scan's outputs were written (byte {_offsets[i]} no longer holds sample {_indices[i]}).");
    }
}
