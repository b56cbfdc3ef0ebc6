using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// Joins the folders of shard scans (<see cref="ShardSpec"/>) into one scan folder with the outputs of a
/// single scan over the whole dataset: the shards must agree on model, data and CD settings, and
/// their slices must cover the dataset exactly once.
/// </summary>
public static class ScanMerger
{
    /// <summary>Merges <paramref name="shards"/> into <paramref name="folder"/> and writes the outputs with <paramref name="settings"/>' rule and truth.</summary>
    /// <exception cref="DataException">A shard is missing or incompatible, or the slices leave gaps or overlap.</exception>
    public static ScanSummary Merge(IReadOnlyList<string> shards, string folder, ScanSettings settings)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(settings);
        if (shards.Count == 0)
        {
            throw new ArgumentException("Name the shard folders to merge.");
        }

        var identities = shards.Select(s => (Folder: s, Identity: ScanIdentity.Read(s) ?? throw new DataException(Setting.Message($"'{s}' holds no scan (no scan.json); give the output folders ({Setting.OutputFolder}) of the shard scans.")))).ToList();
        var first = identities[0].Identity;
        foreach (var (shardFolder, identity) in identities.Skip(1))
        {
            if (identity.DifferencesFrom(first) is { Count: > 0 } differences)
            {
                throw new DataException($"Shard '{shardFolder}' was scanned differently from '{identities[0].Folder}': {string.Join("; ", differences)}.");
            }
        }

        CheckCoverage(identities, first.Count);
        var truth = Scanner.LoadTruth(settings, first.Count);
        if (File.Exists(Path.Combine(folder, ScanJournal.JournalFile)))
        {
            throw new DataException($"'{folder}' already holds a scan; merge into a new folder.");
        }

        Directory.CreateDirectory(folder);
        var merged = first.WithSlice(0, first.Count, null);
        // The slices are disjoint (checked above), so shard by shard in slice order is index order; one shard's table is held at a time.
        var records = identities.OrderBy(s => s.Identity.SliceStart).SelectMany(s => ScoredSamples.Read(s.Folder, s.Identity.SliceStart, s.Identity.SliceEnd).Records());
        var errors = identities.SelectMany(s => ScanJournal.ReadErrors(s.Folder).Where(e => e.Index >= s.Identity.SliceStart && e.Index < s.Identity.SliceEnd)).OrderBy(e => e.Index);
        ScanJournal.WriteAll(folder, records, errors);
        CopyMasks(identities, folder, ScanJournal.MasksU8File, NpyType.UInt8, merged);
        if (merged.SaveMasks)
        {
            CopyMasks(identities, folder, ScanJournal.MasksFile, NpyType.Float32, merged);
        }

        merged.Write(folder);
        if (Suspicion.NeedsShape(settings.SuspicionFor(merged.Mode)))
        {
            MergeShapes(shards, folder, settings);
        }

        ScoredSamples? reference = null;
        // The shards' clean reference scan: for the reference rule, and for the feature split, which names the target with it.
        var splitsWithReference = settings.SplitsFeaturesFor(merged.Mode) && ScanIdentity.Read(Path.Combine(identities[0].Folder, Scanner.ReferenceFolder)) is not null;
        if (settings.Reference is not null || settings.Threshold.Kind == ThresholdKind.Reference || splitsWithReference)
        {
            reference = ScoredSamples.ReadScan(Path.Combine(identities[0].Folder, Scanner.ReferenceFolder));
        }

        using var source = DatasetSource.Open(merged.Data, merged.Format, new ImageSpec(merged.Image[0], merged.Image[1], merged.Image[2]), merged.Labels);
        return ScanFinalizer.Finalize(folder, merged, settings, source, truth, reference, identities.SelectMany(s => ScanSummary.ReadRuns(s.Folder)).ToList());
    }

    /// <summary>Merges the shards' CD-L runs of the mask shapes (<see cref="Scanner.ShapeFolder"/>) into the merged scan's, as a CD-L scan of its own.</summary>
    /// <exception cref="DataException">A shard has no CD-L run.</exception>
    private static void MergeShapes(IReadOnlyList<string> shards, string folder, ScanSettings settings)
    {
        var shapes = shards.Select(s => Path.Combine(s, Scanner.ShapeFolder)).ToList();
        if (shapes.FirstOrDefault(s => ScanIdentity.Read(s) is null) is { } missing)
        {
            throw new DataException(Setting.Message($"'{missing}' holds no CD-L run of the mask shapes, which {Suspicion.ShapeKindsNamed} need: finish that shard's scan with {Setting.Resume}, or choose a suspicion from mask size alone ({Setting.Suspicion})."));
        }

        Merge(shapes, Path.Combine(folder, Scanner.ShapeFolder), Scanner.ShapeSettings(settings));
    }

    private static void CheckCoverage(List<(string Folder, ScanIdentity Identity)> shards, long count)
    {
        var slices = shards.OrderBy(s => s.Identity.SliceStart).ToList();
        var problems = new List<string>();
        long next = 0;
        foreach (var (shardFolder, identity) in slices)
        {
            if (identity.SliceStart > next)
            {
                problems.Add($"samples [{next},{identity.SliceStart}) are in no shard");
            }
            else if (identity.SliceStart < next)
            {
                problems.Add($"'{shardFolder}' ([{identity.SliceStart},{identity.SliceEnd})) overlaps the shard before it");
            }

            next = Math.Max(next, identity.SliceEnd);
        }

        if (next < count)
        {
            problems.Add($"samples [{next},{count}) are in no shard");
        }

        if (problems.Count > 0)
        {
            throw new DataException($"The shards do not cover the dataset's {count} samples exactly once: {string.Join("; ", problems)}.");
        }
    }

    private static void CopyMasks(List<(string Folder, ScanIdentity Identity)> shards, string folder, string file, NpyType type, ScanIdentity merged)
    {
        using var writer = NpyRowWriter.OpenOrCreate(Path.Combine(folder, file), type, [merged.Count, 1, merged.Image[1], merged.Image[2]]);
        var row = new byte[writer.RowBytes];
        foreach (var (shardFolder, identity) in shards)
        {
            using var reader = new NpyRowReader(Path.Combine(shardFolder, file));
            for (var i = 0L; i < reader.Rows; i++)
            {
                reader.ReadRows(i, 1, row);
                writer.WriteRow(identity.SliceStart + i, row);
            }
        }

        writer.Flush();
    }
}
