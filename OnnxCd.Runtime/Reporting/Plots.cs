using OnnxCd.Runtime.Detection;
using ScottPlot;

namespace OnnxCd.Runtime.Reporting;

/// <summary>The report's charts, drawn by ScottPlot as PNG bytes.</summary>
public static class Plots
{
    /// <summary>Overlaid histograms of the suspicion of two groups (for example clean and poisoned), with the threshold as a vertical line.</summary>
    public static byte[] Histogram(IReadOnlyList<(string Name, IReadOnlyList<double> Scores, string Color)> groups, double? threshold, string title)
    {
        var plot = new Plot();
        var all = groups.SelectMany(g => g.Scores).ToArray();
        var (min, max) = (all.Min(), all.Max());
        if (max <= min)
        {
            max = min + 1;
        }

        const int bins = 40;
        var width = (max - min) / bins;
        foreach (var (name, scores, color) in groups.Where(g => g.Scores.Count > 0))
        {
            var counts = new double[bins];
            foreach (var s in scores)
            {
                counts[Math.Clamp((int)((s - min) / width), 0, bins - 1)]++;
            }

            var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(i => min + ((i + 0.5) * width)).ToArray(), counts);
            bars.LegendText = $"{name} ({scores.Count})";
            foreach (var bar in bars.Bars)
            {
                bar.Size = width;
                bar.FillColor = Color.FromHex(color).WithAlpha(0.55);
                bar.LineWidth = 0;
            }
        }

        if (threshold is { } t && double.IsFinite(t))
        {
            var line = plot.Add.VerticalLine(t, 2, Color.FromHex("#d62728"));
            line.LegendText = $"threshold {t:G4}";
            line.LinePattern = LinePattern.Dashed;
        }

        plot.Title(title);
        plot.XLabel("suspicion (larger = more suspicious)");
        plot.YLabel("samples");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(720, 360, ImageFormat.Png);
    }

    /// <summary>ROC curves, one per scorer (its name and AUROC in the legend).</summary>
    public static byte[] Roc(IReadOnlyList<(string Name, DetectionMetrics Metrics)> curves, string title)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        foreach (var (name, metrics) in curves)
        {
            var curve = plot.Add.ScatterLine(metrics.Roc.Select(p => p.FalsePositiveRate).ToArray(), metrics.Roc.Select(p => p.TruePositiveRate).ToArray());
            curve.LegendText = $"{name} (AUROC {metrics.Auroc:F4})";
            curve.LineWidth = 2;
        }

        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dotted;
        chance.LegendText = "chance";
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.Title(title);
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(curves.Count > 1 ? 560 : 420, curves.Count > 1 ? 480 : 400, ImageFormat.Png);
    }
}
