using System.Text.RegularExpressions;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Reporting;

namespace OnnxCd.Tests.Reporting;

/// <summary>report.html rendered from a report model built by hand, without a scan.</summary>
public sealed class HtmlReportTests
{
    private static ScanReport Report(int errors, bool withTruth)
    {
        double[] scores = [5, 40, 41, 42, 6, 43, 44, 45];
        var suspicion = scores.Select(s => -s).ToArray();
        var flagged = suspicion.Select(s => s > -10).ToArray();
        bool[] poisoned = [true, false, false, false, true, false, false, false];
        var classes = ClassStatistics.Compute([0, 1, 1, 1, 0, 1, 1, 1], scores, flagged, new Dictionary<TargetEvidence, bool[]> { [TargetEvidence.Suspicion] = flagged }, withTruth ? poisoned : null, null);
        var curve = withTruth ? DetectionMetrics.Compute(suspicion, poisoned) : null;
        float[] image = [.. Enumerable.Range(0, 4).Select(i => i / 4f)];
        return new ScanReport
        {
            Model = "models/<bad>.onnx",
            ModelSha256 = "abc",
            Data = "data/x.npy",
            DataDescription = "npy uint8 [8,2,2]",
            SliceStart = 0,
            SliceEnd = 8,
            Count = 8,
            Image = [1, 2, 2],
            Cd = "CD-L, 5 steps",
            OnnxRuntime = "1.31.0",
            Runs = [new ReportRun("CPUExecutionProvider", 8, 1.25, 4)],
            Samples = 8 + errors,
            Scored = 8,
            Unreadable = errors,
            Suspicion = SuspicionKind.MaskSize,
            Threshold = new Threshold("mean + 1·std of 8 scanned suspicion scores", -10),
            Flagged = flagged.Count(f => f),
            Metrics = curve is null ? null : new TruthMetrics("list of 2 indices", 2, 6, curve.Auroc, curve.Auprc, curve.TprAtFpr, DetectionMetrics.ConfusionOf(suspicion, poisoned, new Threshold("t", -10))),
            Curve = curve,
            ClassesBy = "label",
            Classes = classes,
            SuspectedTarget = SuspectedTarget.Find(classes),
            Unlearn = 1,
            Safe = 5,
            Outputs = ["scores.csv", "report.html"],
            SuspicionScores = suspicion,
            FlaggedSamples = flagged,
            Poisoned = withTruth ? poisoned : null,
            Grid = [new ReportSample(0, "<script>", 0, 0, 5, true, withTruth ? true : null, image, image), new ReportSample(7, "x#7", 1, 1, 45, false, withTruth ? false : null, image, image)],
            Groups = [new GroupMask("class 0", 2, image), new GroupMask("empty", 0, image)],
            Errors = [.. Enumerable.Range(0, errors).Select(i => new ReportError(100 + i, $"bad{i}.png", "cannot be decoded"))],
        };
    }

    [Fact]
    public void Report_ShowsTheFindings_AndEncodesWhatItQuotes()
    {
        var html = HtmlReport.Render(Report(errors: 2, withTruth: true));

        Assert.Contains("8 of 10 samples scored (2 unreadable); <b>2 flagged</b>", html, StringComparison.Ordinal);
        Assert.Contains("AUROC against ground truth: <b>1.0000</b>", html, StringComparison.Ordinal);
        Assert.Contains("Suspected target class: <b>0</b>", html, StringComparison.Ordinal);
        Assert.Contains("8 samples in 1.2 s on CPUExecutionProvider, batch 4", html, StringComparison.Ordinal);
        Assert.Contains("&lt;bad&gt;.onnx", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("<b>poisoned</b>", html, StringComparison.Ordinal);
        Assert.Contains("hold the 1 most and 5 least suspicious samples", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Unreadable samples (2)</h2>", html, StringComparison.Ordinal);

        // Histogram, ROC, 2 grid cells × (image, mask, pattern), 1 non-empty group mask.
        Assert.Equal(2 + 6 + 1, Regex.Matches(html, "data:image/png;base64,").Count);
    }

    [Fact]
    public void WithoutTruth_ThereIsNoGroundTruthSection_AndLongErrorListsAreCut()
    {
        var html = HtmlReport.Render(Report(errors: 130, withTruth: false));

        Assert.DoesNotContain("Against ground truth", html, StringComparison.Ordinal);
        Assert.Contains("The first 100 of 130; all are in errors.csv.", html, StringComparison.Ordinal);
        Assert.Equal(100, Regex.Matches(html, "cannot be decoded").Count);
    }
}
