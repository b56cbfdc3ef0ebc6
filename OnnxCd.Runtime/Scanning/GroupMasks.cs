using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Reporting;

namespace OnnxCd.Runtime.Scanning;

/// <summary>The mean masks of groups of samples, for the report and group-masks.npy.</summary>
internal static class GroupMasks
{
    /// <summary>Mean masks per class, then of the flagged and the other samples, then (with truth) of the poisoned and the clean ones, read from the journal's uint8 masks.</summary>
    public static IReadOnlyList<GroupMask> Compute(string folder, ScanIdentity identity, IReadOnlyList<long> indices, IReadOnlyList<long>? classes, IReadOnlyList<ClassStatistics> statistics, IReadOnlyList<bool> flagged, IReadOnlyList<bool>? poisoned)
    {
        var groups = new List<(string Name, Func<int, bool> Member)>();
        foreach (var c in statistics)
        {
            groups.Add(($"class {c.Class}" + (c.Name != c.Class.ToString(System.Globalization.CultureInfo.InvariantCulture) ? $" ({c.Name})" : string.Empty), i => classes![i] == c.Class));
        }

        groups.Add(("flagged", i => flagged[i]));
        groups.Add(("not flagged", i => !flagged[i]));
        if (poisoned is not null)
        {
            groups.Add(("poisoned", i => poisoned[i]));
            groups.Add(("clean", i => !poisoned[i]));
        }

        var size = identity.Image[1] * identity.Image[2];
        var sums = groups.Select(_ => new double[size]).ToArray();
        var counts = new long[groups.Count];
        using var reader = new NpyRowReader(Path.Combine(folder, ScanJournal.MasksU8File));
        var row = new byte[reader.RowBytes];
        for (var i = 0; i < indices.Count; i++)
        {
            reader.ReadRows(indices[i] - identity.SliceStart, 1, row);
            for (var g = 0; g < groups.Count; g++)
            {
                if (!groups[g].Member(i))
                {
                    continue;
                }

                counts[g]++;
                for (var p = 0; p < size; p++)
                {
                    sums[g][p] += row[p];
                }
            }
        }

        return groups.Select((g, k) => new GroupMask(g.Name, counts[k], sums[k].Select(v => counts[k] == 0 ? 0f : (float)(v / counts[k] / 255)).ToArray())).ToList();
    }
}
