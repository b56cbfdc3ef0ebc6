using System.Globalization;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Scanning;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Scanning;

public sealed class ScannerTests
{
    /// <summary>40 images (the shipped sample and rolled copies), their labels, and a truth list.</summary>
    private static ScanSettings Dataset(TempDirectory dir)
    {
        var (images, shape) = ShippedSamples.Many(40);
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(images, shape));
        NpyFile.Write(dir.File("y.npy"), NpyArray.Of(Enumerable.Range(0, 40).Select(i => (long)(i % 4)).ToArray(), 40));
        File.WriteAllText(dir.File("truth.txt"), "3\n11\n22\n37\n");
        return new ScanSettings
        {
            Data = dir.File("x.npy"),
            Labels = dir.File("y.npy"),
            Truth = dir.File("truth.txt"),
            BatchSize = 8,
            Cd = new CdOptions { Steps = 5 },
            GridSize = 4,
        };
    }

    private static readonly string[] s_deterministicOutputs = ["scores.csv", "unlearn.txt", "safe.txt", "group-masks.npy", ScanJournal.MasksU8File];

    /// <summary>The deterministic outputs of a size-and-shape scan: its own and those of its CD-L run in logits/.</summary>
    private static readonly string[] s_deterministicShapeOutputs = [.. s_deterministicOutputs, .. s_deterministicOutputs.Select(f => $"{Scanner.ShapeFolder}/{f}")];

    [Fact]
    public void Scan_WritesEveryOutput_WithMetricsAndClasses()
    {
        using var dir = new TempDirectory();
        var summary = Scanner.Scan(ShippedSamples.ModelPath, Dataset(dir), dir.File("out"));

        Assert.Equal(40, summary.Scored);
        Assert.Equal("label", summary.ClassesBy);
        Assert.Equal(4, summary.Classes.Count);
        Assert.NotNull(summary.Metrics);
        Assert.Equal(4, summary.Metrics!.Poisoned);
        Assert.Equal(1, summary.RankSplit["unlearn"]);
        Assert.Equal(28, summary.RankSplit["safe"]);
        foreach (var file in summary.Outputs)
        {
            Assert.True(File.Exists(Path.Combine(dir.File("out"), file)), $"{file} missing");
        }

        var lines = File.ReadAllLines(dir.File("out/scores.csv"));
        Assert.Equal("index,id,label,predicted,l1,suspicion,flagged,poisoned", lines[0]);
        Assert.Equal(41, lines.Length);
        Assert.Equal(summary.Flagged, lines.Skip(1).Count(l => l.Split(',')[6] == "1"));
        Assert.Contains("<h2>Against ground truth</h2>", File.ReadAllText(dir.File("out/report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void DetectorsBesideCd_JudgingAFinishedScanAgain_AreColumnsOfScores_ComparedInTheSummaryAndTheReport()
    {
        using var dir = new TempDirectory();
        var settings = Dataset(dir);
        var alone = Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("out"));
        var cdColumns = File.ReadAllLines(dir.File("out/scores.csv")).Skip(1).Select(l => string.Join(',', l.Split(',')[..7])).ToList();
        Assert.Null(alone.Detectors);

        var summary = Scanner.Scan(ShippedSamples.ModelPath, settings with { Resume = true, Detectors = DetectorNames.ParseList("cd,ss,ac,strip,scaleup,combined"), StripOverlays = 5 }, dir.File("out"));

        var lines = File.ReadAllLines(dir.File("out/scores.csv"));
        Assert.Equal("index,id,label,predicted,l1,suspicion,flagged,ss,ac,strip,scaleup,combined,poisoned", lines[0]);
        Assert.Equal(cdColumns, lines.Skip(1).Select(l => string.Join(',', l.Split(',')[..7])));
        var columns = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.All(columns, c => Assert.InRange(c[7], 0, double.MaxValue));
        Assert.All(columns, c => Assert.InRange(c[9], -Math.Log(10), 0));
        // SCALE-UP's share of 5 amplified copies.
        Assert.All(columns, c => Assert.Contains(new[] { 0, 0.2, 0.4, 0.6, 0.8, 1 }, v => Math.Abs(v - c[10]) < 1e-9));
        var detectors = summary.Detectors!;
        Assert.Equal(["cd", "ss", "ac", "strip", "scaleup", "combined"], detectors.Detectors.Select(d => d.Detector));
        Assert.Equal(summary.Flagged, detectors.Detectors[0].Flagged);
        Assert.Equal(summary.Metrics!.Auroc, detectors.Detectors[0].Metrics!.Auroc);
        Assert.All(detectors.Detectors, d => Assert.Equal(4, d.Metrics!.Poisoned));
        Assert.Equal(Math.Max(1, (int)summary.Flagged), detectors.TopK);
        Assert.NotNull(detectors.FeatureSeconds);
        var report = File.ReadAllText(dir.File("out/report.html"));
        Assert.Contains("<h2>Detectors</h2>", report, StringComparison.Ordinal);
        Assert.Contains("ROC curve of each detector", report, StringComparison.Ordinal);
        Assert.Contains("\"detectors\"", File.ReadAllText(dir.File("out/summary.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void KilledScan_Resumed_EndsWithTheSameOutputs()
    {
        using var dir = new TempDirectory();
        var settings = Dataset(dir);
        Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("whole"));

        var killed = Assert.Throws<OperationCanceledException>(() => Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("resumed"), p =>
        {
            if (p.Done >= 16)
            {
                throw new OperationCanceledException("killed");
            }
        }));
        Assert.Equal("killed", killed.Message);
        Assert.Equal(16, ScanJournal.ReadRecords(dir.File("resumed")).Count);
        File.AppendAllText(dir.File("resumed/journal.csv"), "17,17,1,");
        Assert.False(File.Exists(dir.File("resumed/scores.csv")));

        var again = Assert.Throws<DataException>(() => Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("resumed")));
        Assert.Contains(Setting.Resume, SettingsNamed.In(again));
        var summary = Scanner.Scan(ShippedSamples.ModelPath, settings with { Resume = true }, dir.File("resumed"));

        Assert.Equal(24, summary.Runs.Single().Scanned);
        foreach (var file in s_deterministicOutputs)
        {
            Assert.Equal(File.ReadAllBytes(dir.File($"whole/{file}")), File.ReadAllBytes(dir.File($"resumed/{file}")));
        }
    }

    [Fact]
    public void FinishedScan_Resumed_IsJudgedAgain_AndKeepsItsRuns()
    {
        using var dir = new TempDirectory();
        var settings = Dataset(dir);
        var first = Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("out"));
        var scores = File.ReadAllBytes(dir.File("out/scores.csv"));

        var again = Scanner.Scan(ShippedSamples.ModelPath, settings with { Resume = true }, dir.File("out"));

        Assert.Equal([first.Runs.Single().Scanned, 0], again.Runs.Select(r => r.Scanned));
        Assert.Equal(first.Runs.Single().Seconds, again.Runs[0].Seconds);
        Assert.Equal(scores, File.ReadAllBytes(dir.File("out/scores.csv")));
    }

    [Fact]
    public void ResumeWithOtherSettings_IsRefused()
    {
        using var dir = new TempDirectory();
        var settings = Dataset(dir);
        Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("out"));

        var error = Assert.Throws<DataException>(() => Scanner.Scan(ShippedSamples.ModelPath, settings with { Resume = true, Cd = new CdOptions { Steps = 6 } }, dir.File("out")));

        Assert.Contains("steps 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("steps 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shards_Merged_EqualOneScan()
    {
        using var dir = new TempDirectory();
        var settings = Dataset(dir);
        Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("whole"));
        var shards = Enumerable.Range(0, 3).Select(i => dir.File($"shard{i}")).ToList();
        for (var i = 0; i < 3; i++)
        {
            var shard = Scanner.Scan(ShippedSamples.ModelPath, settings with { Shard = new ShardSpec(i, 3) }, shards[i]);
            Assert.Equal((40 * (i + 1) / 3) - (40 * i / 3), shard.Samples);
        }

        var merged = ScanMerger.Merge(shards, dir.File("merged"), settings);

        Assert.Equal(40, merged.Scored);
        Assert.Equal(3, merged.Runs.Count);
        foreach (var file in s_deterministicOutputs)
        {
            Assert.Equal(File.ReadAllBytes(dir.File($"whole/{file}")), File.ReadAllBytes(dir.File($"merged/{file}")));
        }
    }

    [Fact]
    public void MergeWithAMissingShard_NamesTheGap()
    {
        using var dir = new TempDirectory();
        var settings = Dataset(dir);
        Scanner.Scan(ShippedSamples.ModelPath, settings with { Shard = new ShardSpec(0, 2) }, dir.File("a"));

        var error = Assert.Throws<DataException>(() => ScanMerger.Merge([dir.File("a")], dir.File("merged"), settings));

        Assert.Contains("samples [20,40) are in no shard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableSamples_AreRecordedAndSkipped()
    {
        using var dir = new TempDirectory();
        var settings = Dataset(dir);
        var x = NpyFile.Read(settings.Data);
        x.Floats[(5 * 784) + 3] = float.NaN;
        x.Floats[(9 * 784) + 3] = -1;
        NpyFile.Write(settings.Data, x);

        var summary = Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("out"));

        Assert.Equal(38, summary.Scored);
        Assert.Equal(2, summary.Unreadable);
        var errors = ScanJournal.ReadErrors(dir.File("out"));
        Assert.Equal(new long[] { 5, 9 }, errors.Select(e => e.Index));
        Assert.Contains("value NaN at element 3", errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceRule_ScansTheCleanSetIntoItsOwnFolder()
    {
        using var dir = new TempDirectory();
        var settings = Dataset(dir);
        var (images, shape) = ShippedSamples.Images();
        NpyFile.Write(dir.File("clean.npy"), NpyArray.Of(images[..(8 * 784)], 8, 1, 28, 28));

        var summary = Scanner.Scan(ShippedSamples.ModelPath, settings with { Reference = dir.File("clean.npy"), Threshold = ThresholdRule.Parse("reference", 0.5) }, dir.File("out"));

        Assert.Contains("of 8 clean reference suspicion scores", summary.Threshold.Rule, StringComparison.Ordinal);
        Assert.Equal(8, ScanJournal.ReadRecords(dir.File("out/reference")).Count);
    }

    /// <summary>
    /// The settings of <see cref="Dataset"/> in probability mode, whose default suspicion is mask families, without
    /// the feature split: the rolled copies of one image split every class (the split has tests of its own below),
    /// and these tests check the mask suspicion as it comes from the masks.
    /// </summary>
    private static ScanSettings ProbabilityDataset(TempDirectory dir) => Dataset(dir) with { Cd = new CdOptions { Mode = CdMode.Probs, Steps = 5 }, FeatureSplit = false };

    [Fact]
    public void ProbabilityScan_SplitsEachClassesFeatures_AndJudgesByTheSplit()
    {
        using var dir = new TempDirectory();
        var settings = ProbabilityDataset(dir) with { FeatureSplit = null };

        var summary = Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("out"));
        var unsplit = ScanMerger.Merge([dir.File("out")], dir.File("unsplit"), settings with { FeatureSplit = false });

        Assert.Null(unsplit.FeatureSplit);
        var split = summary.FeatureSplit!;
        Assert.Equal(4, split.Classes.Count);
        Assert.All(split.Classes, c => Assert.Equal(10, c.Samples));
        // The forward pass to the features, the split and its verdict, applied to the suspicion without the split.
        var identity = ScanIdentity.Read(dir.File("out"))!;
        using var source = Runtime.Data.Sources.DatasetSource.Open(settings.Data, "auto", new Runtime.Data.Sources.ImageSpec(1, 28, 28), settings.Labels);
        var features = Runtime.Features.PenultimateFeatures.Extract(Runtime.Graph.OnnxModel.Load(ShippedSamples.ModelPath), new CdOptions(), source, identity.Image, 0, 40, _ => true, 8, new Runtime.Execution.ExecutionOptions())!;
        var labels = Enumerable.Range(0, 40).Select(i => (long)(i % 4)).ToList();
        var (expected, placement) = FeatureSplits.Compute(features.Select(f => f.Values).ToList(), labels, null);
        Assert.Equal(expected.Regime, split.Regime);
        Assert.Equal(expected.MedianSilhouette, split.MedianSilhouette, 12);
        var plain = Column(dir.File("unsplit/scores.csv"), "suspicion");
        Assert.Equal(FeatureSplits.Apply(expected, plain, placement, labels).Suspicion, Column(dir.File("out/scores.csv"), "suspicion"));
    }

    [Fact]
    public void FeatureSplit_WithoutTheModelThatScanned_SaysSo_AndJudgesWithoutIt()
    {
        using var dir = new TempDirectory();
        File.Copy(ShippedSamples.ModelPath, dir.File("model.onnx"));
        var settings = ProbabilityDataset(dir) with { FeatureSplit = null };
        Scanner.Scan(dir.File("model.onnx"), settings, dir.File("out"));
        File.Delete(dir.File("model.onnx"));

        var error = Assert.Throws<DataException>(() => ScanMerger.Merge([dir.File("out")], dir.File("merged"), settings));

        Assert.Contains(dir.File("model.onnx"), error.Message, StringComparison.Ordinal);
        Assert.Contains(Setting.FeatureSplit, SettingsNamed.In(error));
        Assert.Equal(40, ScanMerger.Merge([dir.File("out")], dir.File("unsplit"), settings with { FeatureSplit = false }).Scored);
    }

    /// <summary>One column of a scores.csv.</summary>
    private static List<double> Column(string path, string name)
    {
        var rows = File.ReadAllLines(path);
        var column = Array.IndexOf(rows[0].Split(','), name);
        return rows.Skip(1).Select(r => double.Parse(r.Split(',')[column], CultureInfo.InvariantCulture)).ToList();
    }

    [Fact]
    public void ProbabilityScan_RunsCdLForTheShapes_AsAScanOfItsOwn_AndScoresMaskFamilies()
    {
        using var dir = new TempDirectory();
        var settings = ProbabilityDataset(dir);

        var summary = Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("out"));
        var cdl = Scanner.Scan(ShippedSamples.ModelPath, Dataset(dir), dir.File("cdl"));

        Assert.Equal(SuspicionKind.SizeShapeFamily, summary.Suspicion);
        Assert.Contains(Scanner.ShapeFolder + "/", summary.Outputs);
        var shapeScan = ScanIdentity.Read(dir.File("out/logits"))!;
        Assert.Equal(CdMode.Logits, shapeScan.Mode);
        Assert.Contains("alpha 0.01,", shapeScan.Cd, StringComparison.Ordinal);
        // The shape run is the CD-L scan a user would run: same masks, same outputs.
        Assert.Equal(File.ReadAllBytes(dir.File("cdl/scores.csv")), File.ReadAllBytes(dir.File("out/logits/scores.csv")));
        Assert.Equal(File.ReadAllBytes(dir.File("cdl/masks-u8.npy")), File.ReadAllBytes(dir.File("out/logits/masks-u8.npy")));
        Assert.Equal(cdl.Metrics!.Auroc, JsonNumber(dir.File("out/logits/summary.json"), "summary", "metrics", "auroc"));

        var rows = File.ReadAllLines(dir.File("out/scores.csv"));
        Assert.Equal("index,id,label,predicted,l1,shape,family,suspicion,flagged,poisoned", rows[0]);
        var columns = rows.Skip(1).Select(r => r.Split(',')).ToList();
        var l1 = columns.Select(c => double.Parse(c[4], CultureInfo.InvariantCulture)).ToList();
        var labels = columns.Select(c => long.Parse(c[2], CultureInfo.InvariantCulture)).ToList();
        using var masks = new NpyRowReader(dir.File("out/logits/masks-u8.npy"));
        var rowsOfMasks = Enumerable.Range(0, 40).Select(i => (long)i).ToList();
        var shape = MaskShapes.Distances(masks, rowsOfMasks, labels);
        Assert.Equal(shape, columns.Select(c => double.Parse(c[5], CultureInfo.InvariantCulture)));
        var families = MaskFamilies.Assign(masks, rowsOfMasks, labels, 28, 28);
        Assert.Equal(families, columns.Select(c => long.Parse(c[6], CultureInfo.InvariantCulture)));
        // Four classes of ten: every class is split, so the family term is not the class mean.
        Assert.Equal(4 * MaskFamilies.Count, families.Distinct().Count());
        // No class is named on these 40 images, so nothing is lifted.
        Assert.Null(summary.TargetLift);
        Assert.Equal(Suspicion.Compute(SuspicionKind.SizeShapeFamily, l1, labels, shape, families), columns.Select(c => double.Parse(c[7], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void SizeAndShapeSuspicion_DropsTheFamilies_AndLeavesTheTargetEvidenceAlone()
    {
        using var dir = new TempDirectory();
        var settings = ProbabilityDataset(dir);
        var byFamilies = Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("out"));

        var summary = ScanMerger.Merge([dir.File("out")], dir.File("size-shape"), settings with { Suspicion = SuspicionKind.SizeAndShape });

        Assert.Equal(SuspicionKind.SizeAndShape, summary.Suspicion);
        var rows = File.ReadAllLines(dir.File("size-shape/scores.csv"));
        Assert.Equal("index,id,label,predicted,l1,shape,suspicion,flagged,poisoned", rows[0]);
        var columns = rows.Skip(1).Select(r => r.Split(',')).ToList();
        var l1 = columns.Select(c => double.Parse(c[4], CultureInfo.InvariantCulture)).ToList();
        var labels = columns.Select(c => long.Parse(c[2], CultureInfo.InvariantCulture)).ToList();
        var shape = columns.Select(c => double.Parse(c[5], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Suspicion.Compute(SuspicionKind.SizeAndShape, l1, labels, shape), columns.Select(c => double.Parse(c[6], CultureInfo.InvariantCulture)));
        // The target rule weighs each sample's own size-and-shape suspicion, whatever ranks the samples.
        Assert.Equal(byFamilies.Classes.Select(c => c.Standouts[TargetEvidence.Suspicion]), summary.Classes.Select(c => c.Standouts[TargetEvidence.Suspicion]));
        Assert.Equal(byFamilies.Classes.Select(c => c.Standouts[TargetEvidence.MaskShape]), summary.Classes.Select(c => c.Standouts[TargetEvidence.MaskShape]));
    }

    [Fact]
    public void ProbabilityScan_KilledInTheShapeRun_Resumed_EndsWithTheSameOutputs()
    {
        using var dir = new TempDirectory();
        var settings = ProbabilityDataset(dir);
        Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("whole"));

        Assert.Throws<OperationCanceledException>(() => Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("resumed"), p =>
        {
            if (p.Stage != "scan" && p.Done >= 16)
            {
                throw new OperationCanceledException("killed");
            }
        }));
        Assert.Equal(40, ScanJournal.ReadRecords(dir.File("resumed")).Count);
        Assert.Equal(16, ScanJournal.ReadRecords(dir.File("resumed/logits")).Count);

        var summary = Scanner.Scan(ShippedSamples.ModelPath, settings with { Resume = true }, dir.File("resumed"));

        Assert.Equal(40, summary.Scored);
        foreach (var file in s_deterministicShapeOutputs)
        {
            Assert.Equal(File.ReadAllBytes(dir.File($"whole/{file}")), File.ReadAllBytes(dir.File($"resumed/{file}")));
        }
    }

    [Fact]
    public void ProbabilityShards_Merged_EqualOneScan_ShapesIncluded()
    {
        using var dir = new TempDirectory();
        var settings = ProbabilityDataset(dir);
        Scanner.Scan(ShippedSamples.ModelPath, settings, dir.File("whole"));
        var shards = Enumerable.Range(0, 2).Select(i => dir.File($"shard{i}")).ToList();
        for (var i = 0; i < 2; i++)
        {
            Scanner.Scan(ShippedSamples.ModelPath, settings with { Shard = new ShardSpec(i, 2) }, shards[i]);
        }

        var merged = ScanMerger.Merge(shards, dir.File("merged"), settings);

        Assert.Equal(SuspicionKind.SizeShapeFamily, merged.Suspicion);
        foreach (var file in s_deterministicShapeOutputs)
        {
            Assert.Equal(File.ReadAllBytes(dir.File($"whole/{file}")), File.ReadAllBytes(dir.File($"merged/{file}")));
        }
    }

    [Fact]
    public void DefaultSuspicion_OnAScanWithoutItsCdLRun_SaysHowToGetIt()
    {
        using var dir = new TempDirectory();
        var settings = ProbabilityDataset(dir);
        Scanner.Scan(ShippedSamples.ModelPath, settings with { Suspicion = SuspicionKind.MaskSize }, dir.File("out"));
        Assert.False(Directory.Exists(dir.File("out/logits")));

        var error = Assert.Throws<DataException>(() => ScanMerger.Merge([dir.File("out")], dir.File("merged"), settings));

        Assert.Contains("no CD-L run of the mask shapes", error.Message, StringComparison.Ordinal);
        Assert.Contains(Setting.Resume, SettingsNamed.In(error));
        Assert.Contains(Setting.Suspicion, SettingsNamed.In(error));
        // Judged by mask size alone, the same scan merges.
        Assert.Equal(40, ScanMerger.Merge([dir.File("out")], dir.File("by-size"), settings with { Suspicion = SuspicionKind.ClassRelative }).Scored);
    }

    [Fact]
    public void ReferenceRule_WithMaskFamilies_RunsCdLOnTheReferenceToo()
    {
        using var dir = new TempDirectory();
        var settings = ProbabilityDataset(dir);
        var (images, _) = ShippedSamples.Images();
        NpyFile.Write(dir.File("clean.npy"), NpyArray.Of(images[..(8 * 784)], 8, 1, 28, 28));

        var summary = Scanner.Scan(ShippedSamples.ModelPath, settings with { Reference = dir.File("clean.npy"), Threshold = ThresholdRule.Parse("reference", 0.5) }, dir.File("out"));

        Assert.Equal(SuspicionKind.SizeShapeFamily, summary.Suspicion);
        Assert.Contains("of 8 clean reference suspicion scores", summary.Threshold.Rule, StringComparison.Ordinal);
        Assert.Equal(8, ScanJournal.ReadRecords(dir.File("out/reference/logits")).Count);
    }

    [Fact]
    public void FeatureSplit_SendsTheCleanReferenceToEachClassesClusters_InAScanAndInItsMerge()
    {
        using var dir = new TempDirectory();
        var settings = ProbabilityDataset(dir) with { FeatureSplit = null };
        var (images, _) = ShippedSamples.Many(40);
        NpyFile.Write(dir.File("clean.npy"), NpyArray.Of(images, 40, 1, 28, 28));
        NpyFile.Write(dir.File("clean-labels.npy"), NpyArray.Of(Enumerable.Range(0, 40).Select(i => (long)(i % 4)).ToArray(), 40));
        var withReference = settings with { Reference = dir.File("clean.npy"), ReferenceLabels = dir.File("clean-labels.npy") };

        var summary = Scanner.Scan(ShippedSamples.ModelPath, withReference, dir.File("out"));
        var merged = ScanMerger.Merge([dir.File("out")], dir.File("merged"), settings);

        // The reference's labels are its classes: ten images of each of the four.
        Assert.All(summary.FeatureSplit!.Classes, c => Assert.Equal(10, c.ReferenceSamples));
        // The same images as the scan: each class's reference fills its clusters as its scanned samples do.
        Assert.All(summary.FeatureSplit.Classes, c => Assert.Equal(1, c.Avoidance!.Value, 9));
        Assert.NotEqual(FeatureSplitRegime.None, summary.FeatureSplit.Regime);
        Assert.Null(summary.TargetClass);
        Assert.Equal(summary.FeatureSplit.Classes, merged.FeatureSplit!.Classes);
        Assert.Equal(summary.FeatureSplit.Regime, merged.FeatureSplit.Regime);
    }

    private static double JsonNumber(string path, params string[] keys)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        return keys.Aggregate(json.RootElement, (e, k) => e.GetProperty(k)).GetDouble();
    }
}
