using System.Globalization;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Scanning;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Scanning;

/// <summary>The column-wise table of a journal that the end of a scan works from.</summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class ScoredSamplesTests
{
    [Fact]
    public void Read_KeepsTheSlice_InIndexOrder_LastLineWins_AndReadsRecordsBack()
    {
        using var dir = new TempDirectory();
        ScanJournal.WriteAll(dir.Path, [], []);
        File.AppendAllText(dir.File(ScanJournal.JournalFile), string.Concat(
            "7,\"b,\"\"7\"\"\",1,1,70.5,0.25\n",
            "3,c/3.png,0,2,30.25,0.5\n",
            "12,outside,1,1,1,1\n",
            "5,old,1,,50,1\n",
            "5,new,1,,55.5,1\n",
            "1,before,1,1,1,1\n"));

        var samples = ScoredSamples.Read(dir.Path, 2, 10);

        Assert.Equal(3, samples.Count);
        Assert.Equal([3L, 5, 7], samples.Indices);
        Assert.Equal([30.25, 55.5, 70.5], samples.Scores);
        Assert.True(samples.AllLabelled);
        Assert.Equal([0L, 1, 1], samples.Labels);
        Assert.False(samples.AllPredicted);
        Assert.Throws<InvalidOperationException>(() => samples.PredictedLabels);
        Assert.Equal(
            [new ScanRecord(3, "c/3.png", 0, 2, 30.25, 0.5), new ScanRecord(5, "new", 1, null, 55.5, 1), new ScanRecord(7, "b,\"7\"", 1, 1, 70.5, 0.25)],
            samples.Records());
        Assert.Equal(new ScanRecord(7, "b,\"7\"", 1, 1, 70.5, 0.25), samples.Record(2));
    }

    [Fact]
    public void ADamagedLine_IsADataError_NamingTheFileAndTheByte()
    {
        using var dir = new TempDirectory();
        ScanJournal.WriteAll(dir.Path, [new ScanRecord(0, "0", null, 1, 2, 3)], []);
        var path = dir.File(ScanJournal.JournalFile);
        var offset = new FileInfo(path).Length;
        File.AppendAllText(path, "1,1,,1,not-a-number,3\n");

        var error = Assert.Throws<DataException>(() => ScoredSamples.Read(dir.Path, 0, 2));

        Assert.Contains(path, error.Message);
        Assert.Contains($"byte {offset}", error.Message);
        Assert.Contains("'not-a-number' is not a number", error.Message);
    }

    [Fact]
    public void ItHolds_AtMost48BytesASample()
    {
        // 40 bytes of columns a sample; the list of records the finalizer held before costs 170 with these ids (measured).
        const int count = 200_000;
        using var dir = new TempDirectory();
        ScanJournal.WriteAll(dir.Path, Enumerable.Range(0, count).Select(i => new ScanRecord(i, $"class{i % 10}/image-{i:D7}.png", i % 10, i % 10, 100 + (i % 997), 0.5)), []);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var samples = ScoredSamples.Read(dir.Path, 0, count);
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;

        Assert.Equal(count, samples.Count);
        Assert.True(held <= 48L * count, string.Create(CultureInfo.InvariantCulture, $"{held / (double)count:F1} bytes a sample"));
        GC.KeepAlive(samples);
    }

    [Fact]
    public void SliceIndexSet_CountsEachIndexOfTheSliceOnce()
    {
        var set = new SliceIndexSet(10, 20);
        foreach (var index in new long[] { 10, 19, 15, 15, 9, 20, -1 })
        {
            set.Add(index);
        }

        Assert.Equal(3, set.Count);
        Assert.True(set.Contains(10) && set.Contains(15) && set.Contains(19));
        Assert.False(set.Contains(9) || set.Contains(11) || set.Contains(20));
    }
}
