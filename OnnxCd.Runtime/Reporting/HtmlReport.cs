using System.Globalization;
using System.Net;
using System.Text;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Runtime.Reporting;

/// <summary>
/// report.html: one self-contained page (charts and pictures embedded as PNG data) that opens
/// offline: what was scanned and how, the score histogram with the threshold, the ROC curve and
/// metrics when ground truth is known, per-class statistics, the most and least suspicious images
/// with their masks and cognitive patterns, the mean masks per group, and the unreadable samples.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
        h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
        .lead{font-size:1.1rem;background:#f6f8fa;border-left:4px solid #d62728;padding:.8rem 1rem}
        table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
        th{background:#f6f8fa}tr.target td{background:#fde8e8}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .grid{display:flex;flex-wrap:wrap;gap:.8rem}.cell{border:1px solid #ddd;padding:.4rem;font-size:.78rem;width:330px}
        .cell img{width:100px;height:100px;image-rendering:pixelated;margin-right:4px}.cell.poisoned{border-color:#d62728;border-width:2px}
        .groups{display:flex;flex-wrap:wrap;gap:.8rem}.group{text-align:center;font-size:.8rem}.group img{width:112px;height:112px;image-rendering:pixelated}
        code{background:#f6f8fa;padding:0 .2rem}.muted{color:#666}
        """;

    /// <summary>The page for a finished scan.</summary>
    public static string Render(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        html.Append($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>OnnxCd scan: {E(Path.GetFileName(report.Model))} on {E(Path.GetFileName(report.Data))}</title><style>{Style}</style></head><body>");
        html.Append($"<h1>OnnxCd scan</h1><p class=\"muted\">Cognitive Distillation (Huang et al., ICLR 2023) of <code>{E(report.Data)}</code> with <code>{E(report.Model)}</code></p>");
        html.Append($"<p class=\"lead\">{Lead(report)}</p>");

        html.Append("<h2>What was scanned, and how</h2><table>");
        Row(html, "Model", $"<code>{E(report.Model)}</code><br><span class=\"muted\">sha256 {report.ModelSha256}</span>");
        Row(html, "Data", $"<code>{E(report.Data)}</code>: {E(report.DataDescription)}; samples {report.SliceStart}–{report.SliceEnd - 1} of {report.Count}" + (report.Shard is null ? string.Empty : $" (shard {E(report.Shard)})"));
        Row(html, "Image size", string.Join("×", report.Image));
        Row(html, "CD settings", E(report.Cd));
        Row(html, "Suspicion", E(SuspicionText(report.Suspicion)));
        Row(html, "Rule", $"flag when suspicion &gt; {report.Threshold.Value.ToString("G6", CultureInfo.InvariantCulture)}: {E(report.Threshold.Rule)}");
        Row(html, "Runs", string.Join("<br>", report.Runs.Select(r => E(string.Create(CultureInfo.InvariantCulture, $"{r.Scanned} samples in {r.Seconds:F1} s on {r.Provider}, batch {r.BatchSize}")))) + $"<br><span class=\"muted\">ONNX Runtime {E(report.OnnxRuntime)}</span>");
        html.Append("</table>");

        html.Append("<h2>Scores</h2><p>Each sample's learned mask keeps the pixels the model needs to keep its output; its L1 norm counts them. Backdoored samples need few, so a small mask is suspicious. The <b>suspicion</b> score turns mask size into a ranking, <b>larger = more suspicious</b>: " + E(SuspicionText(report.Suspicion)) + ".</p>");
        var groupsForHistogram = report.Poisoned is null
            ? new List<(string, IReadOnlyList<double>, string)> { ("not flagged", Pick(report.SuspicionScores, report.FlaggedSamples, false), "#1f77b4"), ("flagged", Pick(report.SuspicionScores, report.FlaggedSamples, true), "#ff7f0e") }
            : [("clean", Pick(report.SuspicionScores, report.Poisoned, false), "#1f77b4"), ("poisoned", Pick(report.SuspicionScores, report.Poisoned, true), "#d62728")];
        html.Append(Img(Plots.Histogram(groupsForHistogram, report.Threshold.Value, report.Poisoned is null ? "Suspicion of flagged and other samples" : "Suspicion of clean and poisoned samples (ground truth)"), "score histogram"));

        if (report.Metrics is { } m && report.Curve is { } curve)
        {
            html.Append($"<h2>Against ground truth</h2><p>{E(m.Truth)}; {m.Poisoned} poisoned and {m.Clean} clean samples scored.</p><table>");
            Row(html, "AUROC", F(m.Auroc));
            Row(html, "AUPRC (average precision)", F(m.Auprc));
            foreach (var (fpr, tpr) in m.TprAtFpr)
            {
                Row(html, $"TPR at {fpr} FPR", F(tpr));
            }

            var c = m.Confusion;
            Row(html, "Rule's confusion", $"TP {c.TruePositives}, FP {c.FalsePositives}, TN {c.TrueNegatives}, FN {c.FalseNegatives} (recall {F(c.Recall)}, precision {F(c.Precision)}, FPR {F(c.FalsePositiveRate)})");
            html.Append("</table>").Append(Img(Plots.Roc([("CD", curve)], "ROC curve"), "ROC curve"));
        }

        if (report.Detectors is { } detectors)
        {
            DetectorsSection(html, report, detectors);
        }

        if (report.Classes.Count > 0)
        {
            html.Append($"<h2>Classes (by {E(report.ClassesBy!)})</h2>");
            if (report.FeatureSplit is { Regime: not FeatureSplitRegime.None } split)
            {
                FeatureSplitText(html, report, split);
            }
            else if (report.SuspectedTarget is { } t)
            {
                html.Append($"<p>Suspected target class: <b>{E(t.Class.Name)}</b>: {P(t.StandoutRate)} of its samples stand out within it {ClassStandouts.Describe(t.Evidence)}, against {P(t.OthersRate)} of the other classes' ({t.RateRatio.ToString("F1", CultureInfo.InvariantCulture)} times as often; p = {t.PValue.ToString("G2", CultureInfo.InvariantCulture)}, Bonferroni-corrected), and it holds {P(t.ShareOfStandouts)} of all samples that stand out ({t.ExcessStandouts:F0} more than its size predicts).</p>");
                if (report.TargetLift is { } lift)
                {
                    html.Append($"<p>Its samples' suspicion is lifted by {lift.ToString("G4", CultureInfo.InvariantCulture)} (one standard deviation of the scan's suspicion): an all-to-one backdoor puts every poison in its target class.</p>");
                }
            }
            else if (report.Flagged > 0)
            {
                html.Append($"<p>No suspected target class: in no class do samples stand out within it both significantly more often than in the others (p ≤ {SuspectedTarget.SignificanceLevel.ToString("G2", CultureInfo.InvariantCulture)}) and at least {SuspectedTarget.MinimumRateRatio.ToString("G", CultureInfo.InvariantCulture)} times as often.</p>");
            }

            var evidences = report.Classes[0].Standouts.Keys.Order().ToList();
            html.Append("<table><tr><th>class</th><th>samples</th><th>flagged</th><th>flagged rate</th>" + string.Concat(evidences.Select(e => $"<th>stand out {ClassStandouts.Describe(e)}</th>")) + "<th>mean L1</th><th>median L1</th>" + (report.Poisoned is null ? string.Empty : "<th>poisoned</th>") + "</tr>");
            foreach (var c in report.Classes)
            {
                var target = FeatureSplit.TargetOf(report.FeatureSplit, report.SuspectedTarget) == c.Class ? " class=\"target\"" : string.Empty;
                html.Append($"<tr{target}><td>{E(c.Name)}</td><td class=\"num\">{c.Samples}</td><td class=\"num\">{c.Flagged}</td><td class=\"num\">{P(c.FlaggedRate)}</td>" + string.Concat(evidences.Select(e => $"<td class=\"num\">{c.Standouts.GetValueOrDefault(e)}</td>")) + $"<td class=\"num\">{c.MeanScore:F1}</td><td class=\"num\">{c.MedianScore:F1}</td>" + (c.Poisoned is { } p ? $"<td class=\"num\">{p}</td>" : string.Empty) + "</tr>");
            }

            html.Append("</table>");
        }

        Grid(html, "Most suspicious samples", "The smallest masks: image, mask, cognitive pattern x·m. A backdoor trigger shows as a small bright region the mask keeps.", report.Grid.Where(g => g.MostSuspicious), report.Image);
        Grid(html, "Least suspicious samples", "The largest masks, for comparison.", report.Grid.Where(g => !g.MostSuspicious), report.Image);

        html.Append("<h2>Mean masks</h2><p>Where the model looks, on average, for each group (the paper's bias analysis). The unlearn and safe lists (<code>unlearn.txt</code>, <code>safe.txt</code>) hold the " + $"{report.Unlearn} most and {report.Safe} least suspicious samples by rank.</p><div class=\"groups\">");
        foreach (var g in report.Groups.Where(g => g.Count > 0))
        {
            html.Append($"<div class=\"group\"><img alt=\"{E(g.Name)}\" src=\"data:image/png;base64,{Convert.ToBase64String(MaskImages.EncodeMask(g.Mask, report.Image[1], report.Image[2]))}\"><br>{E(g.Name)}<br><span class=\"muted\">{g.Count} samples</span></div>");
        }

        html.Append("</div>");
        html.Append($"<h2>Unreadable samples ({report.Errors.Count})</h2>");
        if (report.Errors.Count == 0)
        {
            html.Append("<p>None.</p>");
        }
        else
        {
            html.Append("<table><tr><th>index</th><th>id</th><th>reason</th></tr>");
            foreach (var e in report.Errors.Take(100))
            {
                html.Append($"<tr><td class=\"num\">{e.Index}</td><td>{E(e.Id)}</td><td>{E(e.Reason)}</td></tr>");
            }

            html.Append("</table>").Append(report.Errors.Count > 100 ? $"<p class=\"muted\">The first 100 of {report.Errors.Count}; all are in errors.csv.</p>" : string.Empty);
        }

        html.Append($"<h2>Files</h2><p>{string.Join(", ", report.Outputs.Select(o => $"<code>{E(o)}</code>"))}. Re-threshold with the raw scores in <code>scores.csv</code>.</p></body></html>");
        return html.ToString();
    }

    private static string Lead(ScanReport s)
    {
        var text = new StringBuilder($"{s.Scored} of {s.Samples} samples scored");
        if (s.Unreadable > 0)
        {
            text.Append($" ({s.Unreadable} unreadable)");
        }

        text.Append($"; <b>{s.Flagged} flagged</b> as suspicious ({P(s.Scored == 0 ? 0 : (double)s.Flagged / s.Scored)}).");
        if (s.Metrics is { } m)
        {
            text.Append($" AUROC against ground truth: <b>{F(m.Auroc)}</b>.");
        }

        if (FeatureSplit.TargetOf(s.FeatureSplit, s.SuspectedTarget) is { } t)
        {
            text.Append($" Suspected target class: <b>{E(s.Classes.FirstOrDefault(c => c.Class == t)?.Name ?? t.ToString(CultureInfo.InvariantCulture))}</b>.");
        }

        return text.ToString();
    }

    /// <summary>The detectors side by side: what each is, its cost, flags and metrics, their ROC curves, and where their top samples agree.</summary>
    private static void DetectorsSection(StringBuilder html, ScanReport report, DetectorComparison comparison)
    {
        var invariant = CultureInfo.InvariantCulture;
        var names = comparison.Detectors.Select(d => d.Detector).ToList();
        html.Append("<h2>Detectors</h2><p>Every sample scored by each detector, larger = more suspicious (a column each in <code>scores.csv</code>; CD's is the suspicion):</p><ul>");
        html.Append(string.Concat(names.Select(n => $"<li><b>{E(n)}</b>: {E(DetectorText(n))}.</li>")));
        html.Append("</ul><table><tr><th>detector</th><th>seconds</th><th>ms per image</th><th>flagged</th>" + (report.Metrics is null ? string.Empty : "<th>AUROC</th><th>AUPRC</th><th>TPR at 5% FPR</th><th>TP / FP</th>") + "</tr>");
        foreach (var d in comparison.Detectors)
        {
            var perImage = report.Scored == 0 ? 0 : d.Seconds * 1000 / report.Scored;
            html.Append($"<tr><td>{E(d.Detector)}</td><td class=\"num\">{d.Seconds.ToString("F1", invariant)}</td><td class=\"num\">{perImage.ToString("F2", invariant)}</td><td class=\"num\">{d.Flagged}</td>");
            if (d.Metrics is { } m)
            {
                html.Append($"<td class=\"num\">{F(m.Auroc)}</td><td class=\"num\">{F(m.Auprc)}</td><td class=\"num\">{F(m.TprAtFpr.GetValueOrDefault("5%", double.NaN))}</td><td class=\"num\">{m.Confusion.TruePositives} / {m.Confusion.FalsePositives}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table><p class=\"muted\">Seconds: CD's are its runs' (both runs where the suspicion uses the CD-L masks); every other detector's are its own work" + (comparison.FeatureSeconds is { } f ? $", after one shared forward pass to the penultimate features ({f.ToString("F1", invariant)} s, also the feature split's)" : string.Empty) + ". Flagged: CD's as the scan flags them; each other detector's by the scan's rule applied to its own scores (the reference rule as mean + k·std of the scanned scores: the detectors beside CD do not score the clean reference set).</p>");
        if (report.DetectorCurves.Count > 0)
        {
            html.Append(Img(Plots.Roc(report.DetectorCurves, "ROC curve of each detector"), "ROC curve of each detector"));
        }

        html.Append($"<p>Agreement: of each row's {comparison.TopK} most suspicious samples (k = the number CD flags), how many are among the column's {comparison.TopK} most suspicious" + (comparison.TopPoisoned is null ? string.Empty : ", and how many are poisoned") + ".</p><table><tr><th></th>" + string.Concat(names.Select(n => $"<th>{E(n)}</th>")) + (comparison.TopPoisoned is null ? string.Empty : "<th>poisoned</th>") + "</tr>");
        for (var i = 0; i < names.Count; i++)
        {
            html.Append($"<tr><th>{E(names[i])}</th>" + string.Concat(comparison.Agreement[i].Select(a => $"<td class=\"num\">{a}</td>")) + (comparison.TopPoisoned is { } top ? $"<td class=\"num\">{top[i]}</td>" : string.Empty) + "</tr>");
        }

        html.Append("</table>");
    }

    private static string DetectorText(string name) => name switch
    {
        "cd" => "Cognitive Distillation, the scan's suspicion",
        "ss" => "Spectral Signatures, the squared projection of the centred penultimate features on their class's top singular vector, over its class mean",
        "ac" => $"Activation Clustering, 2-means of each class's penultimate features (standardised, PCA to {ActivationClustering.Components}); (1 − the cluster's share) · how firmly the sample sits in it",
        "strip" => "STRIP, minus the mean prediction entropy over the sample superimposed with each of a set of held images",
        "scaleup" => $"SCALE-UP, the share of copies amplified ×{string.Join(", ×", ScaleUp.Factors)} (clipped) that keep the predicted class",
        _ => "the mean over the other detectors of the robust z-score, (s − median) / (1.4826 · MAD) within each one's scores",
    };

    /// <summary>What the split of each class's penultimate features decided, and the table of the splits.</summary>
    private static void FeatureSplitText(StringBuilder html, ScanReport report, FeatureSplit split)
    {
        string Name(long c) => E(report.Classes.FirstOrDefault(k => k.Class == c)?.Name ?? c.ToString(CultureInfo.InvariantCulture));
        string G(double v) => v.ToString("G", CultureInfo.InvariantCulture);
        if (split.Regime == FeatureSplitRegime.EveryClassSplits)
        {
            html.Append($"<p>No suspected target class: the penultimate features of every class split in two (median silhouette {F(split.MedianSilhouette)}, from {G(FeatureSplits.EveryClassSplits)} on), as an all-to-all backdoor splits them, each class holding poisons drawn from another. Each sample's margin towards its class's smaller cluster joins its suspicion.</p>");
        }
        else if (split.Target is { } target)
        {
            var c = split.Classes.First(k => k.Class == target);
            html.Append($"<p>Suspected target class: <b>{Name(target)}</b>, named by the clean reference: its features split in two, and one part holds {c.Excess:F0} of its {c.Samples} samples beyond the share of the class's {c.ReferenceSamples} clean reference images that go there (avoidance {F(c.Avoidance!.Value)}, below {G(FeatureSplits.Avoided)}).</p>");
            if (report.TargetLift is { } lift)
            {
                html.Append($"<p>Its samples' suspicion is lifted by {lift.ToString("G4", CultureInfo.InvariantCulture)} (one standard deviation of the scan's suspicion): an all-to-one backdoor puts every poison in its target class. Within the class, a sample far from the clean images ranks higher: {G(FeatureSplits.ReferenceWeight)} of the lift is added per robust standard deviation (1.4826 MAD over the class) that its mean distance to its {FeatureSplits.NearestReference} nearest clean reference images of the class, in the split's space, lies above the class's median, and taken away below it.</p>");
            }
        }
        else
        {
            html.Append($"<p>No suspected target class: in every class the clean reference images fill both parts of the feature split about as the scanned samples do (avoidance from {G(FeatureSplits.Avoided)} on).</p>");
        }

        html.Append("<table><tr><th>class</th><th>samples</th><th>split silhouette</th><th>reference images</th><th>avoidance</th><th>excess</th></tr>");
        foreach (var c in split.Classes)
        {
            html.Append($"<tr><td>{Name(c.Class)}</td><td class=\"num\">{c.Samples}</td><td class=\"num\">{F(c.Silhouette)}</td><td class=\"num\">{c.ReferenceSamples}</td><td class=\"num\">{(c.Avoidance is { } a ? F(a) : "—")}</td><td class=\"num\">{(c.Excess is { } e ? e.ToString("F0", CultureInfo.InvariantCulture) : "—")}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Grid(StringBuilder html, string title, string text, IEnumerable<ReportSample> samples, int[] image)
    {
        var (c, h, w) = (image[0], image[1], image[2]);
        html.Append($"<h2>{title}</h2><p>{text}</p><div class=\"grid\">");
        foreach (var g in samples)
        {
            var r = g;
            var caption = $"#{r.Index} <code>{E(r.Id)}</code> L1 {r.L1:F1}" + (r.Label is { } l ? $", label {l}" : string.Empty) + (r.Predicted is { } p ? $", predicted {p}" : string.Empty) + (g.Poisoned == true ? ", <b>poisoned</b>" : g.Poisoned == false ? ", clean" : string.Empty);
            html.Append($"<div class=\"cell{(g.Poisoned == true ? " poisoned" : string.Empty)}\">");
            foreach (var (png, alt) in new[] { (MaskImages.EncodeImage(g.Image, c, h, w), "image"), (MaskImages.EncodeMask(g.Mask, h, w), "mask"), (MaskImages.EncodePattern(g.Image, g.Mask, c, h, w), "pattern") })
            {
                html.Append($"<img alt=\"{alt}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">");
            }

            html.Append($"<br>{caption}</div>");
        }

        html.Append("</div>");
    }

    private static string SuspicionText(SuspicionKind kind) => kind switch
    {
        SuspicionKind.ClassRelative => $"class-relative, ln(q75 of the class's L1 / L1): how many times smaller the mask is than its class's ordinary ones (quantile {Suspicion.ClassQuantile})",
        SuspicionKind.SizeAndShape => $"size and shape, z(−ln L1) + {Suspicion.ShapeWeight}·z(d): how small the mask is, plus how far the sample's CD-L mask (unit norm) lies from its class's mean, each standardised by median and MAD (the CD-L scan is in the logits folder)",
        SuspicionKind.SizeShapeFamily => $"size, shape and family, z(S) + the mean of z(S) over the sample's mask family, S = z(−ln L1) + {Suspicion.ShapeWeight}·z(d): size and shape as above, shared within families of like CD-L masks ({MaskFamilies.Count} per class, k-means), so that a group of poisons with one trigger is judged together (the CD-L scan is in the logits folder)",
        _ => "mask size, −L1 (the paper's ranking)",
    };

    private static IReadOnlyList<double> Pick(IReadOnlyList<double> scores, IReadOnlyList<bool> by, bool value) =>
        Enumerable.Range(0, scores.Count).Where(i => by[i] == value).Select(i => scores[i]).ToList();

    private static void Row(StringBuilder html, string name, string value) => html.Append($"<tr><th>{E(name)}</th><td>{value}</td></tr>");

    private static string Img(byte[] png, string alt) => $"<p><img alt=\"{alt}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"></p>";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F4", CultureInfo.InvariantCulture);

    private static string P(double value) => value.ToString("P1", CultureInfo.InvariantCulture);
}
