using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Scanning;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

/// <summary>
/// <c>onnxcd scan</c> over data with bad samples in it: the scan completes, every readable sample is
/// scored, and every bad one is listed in errors.csv with its reason; a file that cannot be a dataset
/// at all is refused with exit 4 and its name.
/// </summary>
public sealed class HostileDataScanTests
{
    [Fact]
    public void FolderOfHostileImages_ScanCompletes_ListingEachBadFileWithItsReason()
    {
        using var dir = new TempDirectory();
        var cases = HostileImages.Write(dir.File("data"));

        var (code, output, log) = Scan(dir.File("data"), dir.File("out"));

        Assert.True(code == 0, log);
        var skipped = cases.Where(c => c.Reason is not null).ToList();
        Assert.Contains($"{skipped.Count} unreadable, listed in errors.csv", output, StringComparison.Ordinal);
        var errors = ScanJournal.ReadErrors(dir.File("out")).ToDictionary(e => e.Id, e => e.Reason);
        Assert.Equal(skipped.Select(c => c.Name).Order(StringComparer.Ordinal), errors.Keys.Order(StringComparer.Ordinal));
        foreach (var c in skipped)
        {
            Assert.Contains(c.Reason!, errors[c.Name], StringComparison.Ordinal);
        }

        var scored = File.ReadLines(dir.File("out/scores.csv")).Skip(1).Select(l => l.Split(',')[1]).Order(StringComparer.Ordinal);
        Assert.Equal(cases.Where(c => c.Reason is null).Select(c => c.Name), scored);
        Assert.Contains("truncated.jpg", File.ReadAllText(dir.File("out/report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void ArrayWithNanInfAndOutOfRangeSamples_ScoresTheOthers()
    {
        using var dir = new TempDirectory();
        var (images, shape) = ShippedSamples.Many(8);
        var bad = new Dictionary<int, float> { [1] = float.NaN, [3] = float.PositiveInfinity, [4] = 1.5f, [6] = -0.01f };
        foreach (var (sample, value) in bad)
        {
            images[(sample * 784) + 100] = value;
        }

        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(images, shape));

        var (code, _, log) = Scan(dir.File("x.npy"), dir.File("out"));

        Assert.True(code == 0, log);
        var errors = ScanJournal.ReadErrors(dir.File("out"));
        Assert.Equal(bad.Keys.Select(k => (long)k), errors.Select(e => e.Index));
        Assert.All(errors, e => Assert.Contains("at element 100: pixels must lie in [0,1]", e.Reason, StringComparison.Ordinal));
        Assert.Contains("value NaN", errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal(4, File.ReadLines(dir.File("out/scores.csv")).Count() - 1);
    }

    [Theory]
    [InlineData("labels", "one label per image, shape [8]")]
    [InlineData("truth", "an indicator needs one value per sample")]
    [InlineData("fortran", "Fortran order")]
    [InlineData("float64", "dtype '<f8'")]
    [InlineData("lying-header", "declares shape [8,1,28,28]")]
    [InlineData("idx-bad-magic", "no IDX magic number")]
    [InlineData("idx-short", "is short")]
    [InlineData("idx-4-channels", "holds images with 4 channels; the model takes 1")]
    public void DataThatCannotBeADataset_Exits4_NamingTheFile(string kind, string expected)
    {
        using var dir = new TempDirectory();
        var (images, shape) = ShippedSamples.Many(8);
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(images, shape));
        var data = dir.File("x.npy");
        string[] extra = [];
        switch (kind)
        {
            case "labels":
                NpyFile.Write(dir.File("y.npy"), NpyArray.Of(new long[7], 7));
                extra = ["--labels", dir.File("y.npy")];
                break;
            case "truth":
                File.WriteAllText(dir.File("t.txt"), "0 1 0 0 1 0 0");
                extra = ["--truth", dir.File("t.txt")];
                break;
            case "fortran" or "float64" or "lying-header":
                var bytes = File.ReadAllBytes(data);
                var header = System.Text.Encoding.Latin1.GetString(bytes, 0, 128);
                var edited = kind switch
                {
                    "fortran" => header.Replace("'fortran_order': False", "'fortran_order': True ", StringComparison.Ordinal),
                    "float64" => header.Replace("'<f4'", "'<f8'", StringComparison.Ordinal),
                    _ => header,
                };
                System.Text.Encoding.Latin1.GetBytes(edited).CopyTo(bytes, 0);
                File.WriteAllBytes(data, kind == "lying-header" ? bytes[..^784] : bytes);
                break;
            case "idx-bad-magic":
                data = dir.File("images-idx3-ubyte");
                File.WriteAllBytes(data, [1, 2, 3, 4, 0, 0, 0, 1]);
                extra = ["--format", "idx"];
                break;
            case "idx-4-channels":
                data = dir.File("images-idx3-ubyte");
                File.WriteAllBytes(data, [0, 0, 8, 4, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 0, 0, 0, 4, .. new byte[784 * 4 * 2]]);
                break;
            default:
                data = dir.File("images-idx3-ubyte");
                File.WriteAllBytes(data, [0, 0, 8, 3, 0, 0, 0, 9, 0, 0, 0, 28, 0, 0, 0, 28, .. new byte[784 * 8]]);
                break;
        }

        var (code, _, log) = Scan(data, dir.File("out"), extra);

        Assert.True(code == 4, $"exit {code}: {log}");
        Assert.Contains(expected, log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.File("out"), ScanJournal.JournalFile)) && ScanJournal.ReadRecords(dir.File("out")).Count > 0, "samples were scanned before the data was refused");
    }

    private static (int Code, string Output, string Log) Scan(string data, string folder, params string[] extra) =>
        CliRunner.Run(["scan", "--model", ShippedSamples.ModelPath, "--data", data, "--steps", "3", "--threads", "1", "--out", folder, .. extra]);
}
