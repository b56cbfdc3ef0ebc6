using System.Text.Json;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Detectors;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Features;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Scanning;
using OnnxCd.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Detectors;

/// <summary>
/// Each detector beside CD on every shipped scan set, against tools/reference_detectors.py: numpy and
/// scikit-learn on the PyTorch weights, with its own k-means starts and the same evenly spread STRIP overlays.
/// </summary>
[Collection(nameof(AloneOnTheCpu))]
public sealed class DetectorParityTests(ITestOutputHelper output)
{
    private static readonly DetectorKind[] s_detectors = [DetectorKind.SpectralSignatures, DetectorKind.ActivationClustering, DetectorKind.Strip, DetectorKind.ScaleUp];

    public static TheoryData<string> Sets => new()
    {
        "badnets", "blend", "sig", "wanet", "trojan", "adaptive", "all2all", "badnets-aug", "badnets1", "cleanlabel", "dynamic", "mobile-sig", "smooth", "clean",
    };

    [TorchFixtureTheory("reference-detectors")]
    [MemberData(nameof(Sets))]
    public void EachDetector_MatchesThePythonReference(string set)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Generated("reference-detectors"), $"{set}.json")));
        var scansets = Path.Combine(RepositoryPaths.OnnxModels, "scansets");
        var poisoned = NpyFile.Read(Path.Combine(scansets, $"{set}-poison.npy")).Bytes.Select(b => b == 1).ToArray();
        var model = OnnxModel.Load(Path.Combine(RepositoryPaths.OnnxModels, set == "clean" ? "fmnist-cnn-clean.onnx" : $"fmnist-{set}.onnx"));
        using var source = DatasetSource.Open(Path.Combine(scansets, $"{set}-images.npy"), "npy", new ImageSpec(1, 28, 28), Path.Combine(scansets, $"{set}-labels.npy"));
        int[] image = [1, 28, 28];
        var execution = new ExecutionOptions();
        var features = PenultimateFeatures.Extract(model, new CdOptions { Mode = CdMode.Features }, source, image, 0, source.Count, _ => true, 256, execution)!;
        using var classifier = ModelClassifier.Open(model, null, null, image, 256, execution);
        var inputs = new DetectorInputs
        {
            Classes = features.Select(f => f.Label!.Value).ToList(),
            Features = new Lazy<IReadOnlyList<float[]>?>(() => features.Select(f => f.Values).ToList()),
            Images = () => source.Read(0, source.Count).Select(s => s.Pixels!),
            Classifier = new Lazy<IImageClassifier>(() => classifier),
            Overlays = new Lazy<IReadOnlyList<float[]>>(() => ScanDetectors.Spread(source, features.Select(f => f.Index).ToList(), Strip.DefaultOverlays, 0, source.Count)),
        };

        var ours = DetectorSuite.Run(s_detectors, inputs, new double[poisoned.Length], 0);

        foreach (var scores in ours)
        {
            var reference = json.RootElement.GetProperty("scores").GetProperty(scores.Name).EnumerateArray().Select(v => v.GetDouble()).ToList();
            Assert.Equal(reference.Count, scores.Scores.Count);
            if (poisoned.Contains(true))
            {
                var (a, b) = (DetectionMetrics.Compute(scores.Scores, poisoned).Auroc, DetectionMetrics.Compute(reference, poisoned).Auroc);
                output.WriteLine($"{set} {scores.Name}: OnnxCd AUROC {a:F4}, Python reference {b:F4}");
                Assert.True(Math.Abs(a - b) <= 0.02, $"{set} {scores.Name}: OnnxCd AUROC {a:F4} vs reference {b:F4}");
            }

            if (scores.Kind == DetectorKind.SpectralSignatures)
            {
                // The same definition on the same features (ONNX Runtime's float32 forward pass against PyTorch's).
                var worst = scores.Scores.Zip(reference).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1, Math.Abs(p.Second)));
                output.WriteLine($"{set} ss: largest score difference {worst:E2} (relative above 1)");
                Assert.True(worst <= 1e-3, $"{set} ss: scores differ by up to {worst:E2}");
            }
            else if (scores.Kind == DetectorKind.ScaleUp)
            {
                // Deterministic but for an argmax between near-equal probabilities, which float32 rounding can flip.
                var differing = scores.Scores.Zip(reference).Count(p => Math.Abs(p.First - p.Second) > 1e-9);
                output.WriteLine($"{set} scaleup: {differing} of {reference.Count} scores differ");
                Assert.True(differing <= reference.Count / 200, $"{set} scaleup: {differing} of {reference.Count} scores differ");
            }
        }
    }
}
