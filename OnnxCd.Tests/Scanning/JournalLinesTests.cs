using System.Text;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Scanning;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Scanning;

/// <summary>Journal lines streamed with their byte offsets, and read back by offset.</summary>
public sealed class JournalLinesTests
{
    [Fact]
    public void Offsets_PointAtEachLine_AndATornLastLineIsLeftOut()
    {
        using var dir = new TempDirectory();
        var path = dir.File("lines.csv");
        File.WriteAllText(path, "header\nfirst\r\n\nsécond,\"q\"\ntorn", new UTF8Encoding(false));

        var lines = JournalLines.Read(path).ToList();

        Assert.Equal(["header", "first", string.Empty, "sécond,\"q\""], lines.Select(l => l.Line));
        Assert.Equal([0L, 7, 14, 15], lines.Select(l => l.Offset));
    }

    [Fact]
    public void LinesLongerThanTheBuffers_AreReadWhole_InEitherDirection()
    {
        using var dir = new TempDirectory();
        var path = dir.File("long.csv");
        var lines = new[] { "a", new string('x', 200_000), "b", new string('y', 70_000), "c" };
        File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));

        var read = JournalLines.Read(path).ToList();
        Assert.Equal(lines, read.Select(l => l.Line));

        using var reader = new JournalLineReader(path);
        foreach (var i in new[] { 4, 1, 0, 3, 2, 2, 4 })
        {
            Assert.Equal(lines[i], reader.LineAt(read[i].Offset));
        }
    }

    [Fact]
    public void ReadingBack_AFileCutShort_NamesTheFileAndTheOffset()
    {
        using var dir = new TempDirectory();
        var path = dir.File("cut.csv");
        File.WriteAllText(path, "header\n0,0,,1,2,3\n");
        var offset = JournalLines.Read(path).Last().Offset;
        File.WriteAllText(path, "header\n0,0,");

        using var reader = new JournalLineReader(path);
        var error = Assert.Throws<DataException>(() => reader.LineAt(offset));

        Assert.Contains(path, error.Message);
        Assert.Contains($"byte {offset}", error.Message);
    }
}
