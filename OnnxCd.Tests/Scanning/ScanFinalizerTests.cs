using System.Globalization;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Scanning;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Scanning;

/// <summary>The finaliser on a scanned folder, called directly: the outputs follow the rule and the truth it is given.</summary>
public sealed class ScanFinalizerTests
{
    [Fact]
    public void Finalize_AgainWithAnotherRule_FlagsByThatRule_AndKeepsTheScores()
    {
        using var dir = new TempDirectory();
        var (images, shape) = ShippedSamples.Many(24);
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(images, shape));
        File.WriteAllText(dir.File("truth.txt"), "2\n9\n");
        var settings = new ScanSettings { Data = dir.File("x.npy"), BatchSize = 8, Cd = new CdOptions { Steps = 3 }, GridSize = 2 };
        var folder = dir.File("out");
        var first = Scanner.Scan(ShippedSamples.ModelPath, settings, folder);
        var scoresBefore = File.ReadAllLines(Path.Combine(folder, "scores.csv")).Select(l => l.Split(',')[4]).ToList();

        var identity = ScanIdentity.Read(folder)!;
        var quantile = settings with { Threshold = ThresholdRule.Parse("quantile", 0.25), Truth = dir.File("truth.txt"), UnlearnFraction = 0.125 };
        using var source = DatasetSource.Open(identity.Data, identity.Format, new ImageSpec(identity.Image[0], identity.Image[1], identity.Image[2]), identity.Labels);
        var truth = Scanner.LoadTruth(quantile, source.Count);
        var again = ScanFinalizer.Finalize(folder, identity, quantile, source, truth, null, first.Runs);

        var rows = File.ReadAllLines(Path.Combine(folder, "scores.csv"));
        Assert.Equal("index,id,label,predicted,l1,suspicion,flagged,poisoned", rows[0]);
        Assert.Equal(scoresBefore, rows.Select(l => l.Split(',')[4]).ToList());
        var l1 = rows.Skip(1).Select(l => double.Parse(l.Split(',')[4], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(again.Flagged, rows.Skip(1).Count(l => l.Split(',')[6] == "1"));
        // CD-L's default suspicion is −L1, and flagged means suspicion above the threshold.
        Assert.All(rows.Skip(1), l => Assert.Equal(-double.Parse(l.Split(',')[4], CultureInfo.InvariantCulture), double.Parse(l.Split(',')[5], CultureInfo.InvariantCulture)));
        Assert.All(rows.Skip(1), l => Assert.Equal(double.Parse(l.Split(',')[5], CultureInfo.InvariantCulture) > again.Threshold.Value ? "1" : "0", l.Split(',')[6]));
        Assert.InRange(again.Flagged, 5, 7);
        Assert.Equal(new[] { "0", "0", "1" }, rows.Skip(1).Take(3).Select(l => l.Split(',')[7]));
        Assert.NotNull(again.Metrics);
        Assert.Equal(2, again.Metrics!.Poisoned);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "unlearn.txt")).Length);
        Assert.Equal(l1.Count, again.Scored);
        Assert.Contains("Against ground truth", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
    }
}
