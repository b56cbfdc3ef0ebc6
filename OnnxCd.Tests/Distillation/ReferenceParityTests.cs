using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Distillation;

/// <summary>
/// OnnxCd's CD against tools/reference_cd.py (PyTorch) on the same trained models, images and noise
/// file, for CD-L and CD-F, on a small CNN and a small ResNet.
/// </summary>
/// <remarks>
/// The objective is not smooth: |f(x_cp) − f(x)|, ReLU and max pooling have kinks, and where a value
/// sits within rounding of a kink the two implementations can take different subgradients. Adam
/// with betas 0.1 is close to a sign update, so such a flip moves that pixel by a full step and the
/// sample's mask then follows another path. The masks are therefore compared per sample: after 10
/// steps every sample must match to 1e-4 except at most <see cref="DivergedPer64"/> in 64. Two
/// things send a sample another way, neither of them an error: a kink within rounding (for example
/// a max-pool window whose two largest values differ by 3e-6, where PyTorch's separate Conv and
/// BatchNorm and the exported, folded Conv round differently), and rounding carried through ten
/// near-sign Adam steps (differences of 1e-4 to 2e-4), since the two sum a convolution's input
/// gradient in different orders. The allowance covers the most measured in one run, 9 of 64, with
/// one to spare; every gradient rule is checked against finite differences on its own, so a wrong
/// rule cannot hide in it. After 100 steps the L1 scores are compared by median
/// relative error and rank correlation, and the worst sample is printed.
/// </remarks>
public sealed class ReferenceParityTests(ITestOutputHelper output)
{
    /// <summary>Samples in 64 allowed to take another path (see the remarks); the CUDA path's tests use the same allowance.</summary>
    internal const int DivergedPer64 = 10;

    public static TheoryData<string, string> Runs => new()
    {
        { "small_cnn", "logits" }, { "small_cnn", "features" }, { "small_resnet", "logits" }, { "small_resnet", "features" },
    };

    [TorchFixtureTheory("cd")]
    [MemberData(nameof(Runs))]
    public void MasksAfter10Steps_MatchPyTorchPerSample(string model, string mode)
    {
        var (masks, reference, shape) = Run(model, mode, steps: 10);
        var worst = MaskAgreement.WorstPerSample(masks, reference, (int)(shape[2] * shape[3]));
        output.WriteLine($"{model} {mode} 10 steps: per-sample max |Δm| = {string.Join(" ", worst.Select(w => w.ToString("E1")))}");

        MaskAgreement.AssertNearlyAllAgree(worst, DivergedPer64, $"{model} {mode} against PyTorch");
    }

    [TorchFixtureTheory("cd")]
    [MemberData(nameof(Runs))]
    public void L1After100Steps_MatchesPyTorch(string model, string mode)
    {
        var (masks, _, shape) = Run(model, mode, steps: 100);
        var reference = NpyFile.Read(Fixture(model, $"l1_{mode}_100.npy")).Floats;
        var plane = (int)(shape[2] * shape[3]);
        var l1 = Enumerable.Range(0, (int)shape[0]).Select(i => masks.AsSpan(i * plane, plane).ToArray().Sum()).ToArray();
        var relative = l1.Zip(reference, (a, b) => Math.Abs(a - b) / b).ToArray();
        var median = relative.Order().ElementAt(relative.Length / 2);
        var worstSample = Array.IndexOf(relative, relative.Max());
        var rank = Spearman(l1, reference);
        output.WriteLine($"{model} {mode} 100 steps: median relative L1 error {median:E2}, worst {relative.Max():E2} (sample {worstSample}: {l1[worstSample]:F2} vs {reference[worstSample]:F2}), Spearman {rank:F5}");

        Assert.True(median <= 1e-3, $"median relative L1 error {median:E2} > 1e-3");
        Assert.True(rank >= 0.99, $"rank correlation {rank:F4} < 0.99");
    }

    private static (float[] Masks, float[] Reference, long[] Shape) Run(string model, string mode, int steps)
    {
        var images = NpyFile.Read(Fixture(model, "images.npy"));
        var options = mode == "logits"
            ? new CdOptions { Mode = CdMode.Logits, Output = "logits", Steps = steps }
            : new CdOptions { Mode = CdMode.Features, Feature = "features", Steps = steps };
        var noise = NoiseSource.FromArray(NpyFile.Read(Fixture(model, "noise.npy")), "noise.npy");
        using var cd = CognitiveDistiller.Create(OnnxModel.Load(Fixture(model, "model.onnx")), options, images.Shape, new ExecutionOptions(), noise: noise);
        var result = cd.Distill(images.Floats, images.Shape);
        return (result.Masks, NpyFile.Read(Fixture(model, $"masks_{mode}_{steps}.npy")).Floats, images.Shape);
    }

    private static string Fixture(string model, string file) => Path.Combine(RepositoryPaths.Generated("cd"), model, file);

    private static double Spearman(float[] a, float[] b)
    {
        static double[] Ranks(float[] v)
        {
            var order = v.Select((x, i) => (x, i)).OrderBy(p => p.x).ToArray();
            var ranks = new double[v.Length];
            for (var k = 0; k < order.Length;)
            {
                var end = k;
                while (end + 1 < order.Length && order[end + 1].x == order[k].x)
                {
                    end++;
                }

                for (var j = k; j <= end; j++)
                {
                    ranks[order[j].i] = (k + end) / 2.0;
                }

                k = end + 1;
            }

            return ranks;
        }

        var (ra, rb) = (Ranks(a), Ranks(b));
        var (ma, mb) = (ra.Average(), rb.Average());
        var cov = ra.Zip(rb, (x, y) => (x - ma) * (y - mb)).Sum();
        return cov / Math.Sqrt(ra.Sum(x => (x - ma) * (x - ma)) * rb.Sum(y => (y - mb) * (y - mb)));
    }
}
