using System.Globalization;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Tests.Autodiff;
using OnnxCd.Tests.Cli;
using OnnxCd.Tests.Distillation;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Execution;

/// <summary>
/// The CUDA path against the CPU path on the shipped model: the same CD, the same input gradients.
/// The two providers run different kernels (cuDNN's convolutions sum in other orders), so masks are
/// compared as two implementations are (<see cref="MaskAgreement"/>, the allowance of the PyTorch
/// parity tests); TF32 is off unless a test turns it on. Every test is skipped, with ONNX Runtime's
/// reason, where no CUDA device can run a session.
/// </summary>
public sealed class CudaPathTests
{
    private const int Steps = 10;

    [CudaFact]
    public void Distill_OnCuda_MatchesTheCpu_PerSample()
    {
        foreach (var mode in new[] { CdMode.Logits, CdMode.Features })
        {
            var cpu = Distill(new ExecutionOptions(), mode);
            var cuda = Distill(Cuda(0), mode);

            MaskAgreement.AssertNearlyAllAgree(MaskAgreement.WorstPerSample(cuda.Masks, cpu.Masks, 28 * 28), ReferenceParityTests.DivergedPer64, $"{mode} on CUDA against the CPU");
        }
    }

    /// <summary>
    /// ONNX Runtime's CUDA MaxPool keeps the first maximum column by column (read in its source), so
    /// the portable backward sends a tied window's gradient to (1,0); the CUDA backward sends it to
    /// (0,1), as the CPU and PyTorch do. If the first assertion fails, the CUDA kernel's scan order has
    /// changed and <see cref="ProviderTarget.Cuda"/> should be revisited.
    /// </summary>
    [CudaFact]
    public void TiedWindow_OnCuda_GoesRowByRow_WithTheCudaBackward()
    {
        Assert.Equal([0.0, 0, 1, 0], ProviderTargetTests.TiedWindowGradient(ProviderTarget.Any, Cuda(0)));
        Assert.Equal([0.0, 1, 0, 0], ProviderTargetTests.TiedWindowGradient(ProviderTarget.Cuda, Cuda(0)));
    }

    [CudaFact]
    public void Cuda_RunsWithoutFallback_AndAutoPicksIt()
    {
        var (images, shape) = ShippedSamples.Images();
        foreach (var device in new[] { new DeviceSpec(DeviceKind.Cuda, 0), new DeviceSpec(DeviceKind.Auto) })
        {
            using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Steps = 2 }, shape, new ExecutionOptions { Device = device });

            Assert.Equal("CUDAExecutionProvider (device 0)", cd.Provider);
            Assert.Null(cd.FallbackReason);
            Assert.All(cd.Distill(images, shape).Masks, m => Assert.InRange(m, 0f, 1f));
        }
    }

    [CudaFact]
    public void EveryCudnnSearch_AgreesWithTheCpu()
    {
        var cpu = Distill(new ExecutionOptions(), CdMode.Logits);
        foreach (var search in Enum.GetValues<CudnnSearch>())
        {
            var cuda = Distill(Cuda(0) with { CudnnSearch = search }, CdMode.Logits);

            MaskAgreement.AssertNearlyAllAgree(MaskAgreement.WorstPerSample(cuda.Masks, cpu.Masks, 28 * 28), ReferenceParityTests.DivergedPer64, $"cuDNN search {search} against the CPU");
        }
    }

    /// <summary>
    /// TF32 rounds the inputs of convolutions and matrix products to 10 mantissa bits (relative
    /// 2⁻¹¹ ≈ 4.9e-4), so masks move off the float32 path; the scores must stay close: median
    /// relative L1 difference at most 1e-2 (twenty times the rounding of one product).
    /// </summary>
    [CudaFact]
    public void Tf32_StaysCloseToFloat32()
    {
        var float32 = Distill(Cuda(0), CdMode.Logits);
        var tf32 = Distill(Cuda(0) with { AllowTf32 = true }, CdMode.Logits);

        var relative = tf32.L1.Zip(float32.L1, (a, b) => Math.Abs(a - b) / b).Order().ToArray();
        Assert.True(relative[relative.Length / 2] <= 1e-2, string.Create(CultureInfo.InvariantCulture, $"median relative L1 difference {relative[relative.Length / 2]:E2}"));
    }

    /// <summary>The CUDA backward (the portable one: MaxPool's gradient by scatter) against torch.autograd's saliency, as the CPU test does.</summary>
    [CudaFact]
    public void Vjp_OnCuda_MatchesTorchAutograd()
    {
        using var dir = new TempDirectory();
        var samples = Path.Combine(RepositoryPaths.OnnxModels, "samples");
        var (code, output, log) = CliRunner.Run("vjp", "--model", ShippedSamples.ModelPath, "--input", ShippedSamples.ImagesPath, "--cotangent", Path.Combine(samples, "fmnist-test-16-onehot.npy"), "--out", dir.File("saliency.npy"), "--device", "cuda:0", "--batch-size", "5");

        Assert.True(code == 0, log);
        Assert.Contains("CUDAExecutionProvider", output, StringComparison.Ordinal);
        var actual = NpyFile.Read(dir.File("saliency.npy")).Floats;
        var expected = NpyFile.Read(Path.Combine(samples, "fmnist-test-16-saliency.npy")).Floats;
        var error = VjpCommandTests.RelativeL2(actual, expected);
        Assert.True(error <= 1e-4, $"relative L2 error {error:E3}");
    }

    [CudaFact]
    public void Bench_OnCuda_NamesTheGpu_AndItsSettings()
    {
        var root = BenchCommandTests.RunJson("--device", "cuda:0", "--batch-sizes", "4", "--steps", "2", "--repeat", "1", "--peak-size", "256", "--cudnn-search", "heuristic");
        Assert.Equal("CUDAExecutionProvider (device 0)", root.GetProperty("provider").GetString());
        var device = root.GetProperty("devices")[0].GetString()!;
        Assert.DoesNotContain("name unknown", device, StringComparison.Ordinal);
        Assert.Contains("GiB, driver CUDA", device, StringComparison.Ordinal);
        Assert.Equal("heuristic", root.GetProperty("cudnnSearch").GetString());
        Assert.False(root.GetProperty("tf32").GetBoolean());
    }

    /// <summary>One session per GPU: the same batches as one GPU, so the same scores up to the allowance of two kernels' rounding.</summary>
    [CudaFact(devices: 2)]
    public void Scan_OnTwoGpus_ScoresLikeOne()
    {
        using var dir = new TempDirectory();
        string[] Scan(string device, string folder) =>
            ["scan", "--model", ShippedSamples.ModelPath, "--data", ShippedSamples.ImagesPath, "--steps", Steps.ToString(CultureInfo.InvariantCulture), "--batch-size", "4", "--device", device, "--cudnn-search", "heuristic", "--out", dir.File(folder)];
        foreach (var (device, folder) in new[] { ("cuda:0", "one"), ("cuda:0,1", "two") })
        {
            var (code, _, log) = CliRunner.Run(Scan(device, folder));
            Assert.True(code == 0, log);
        }

        double[] L1(string folder) => File.ReadLines(dir.File($"{folder}/scores.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[4], CultureInfo.InvariantCulture)).ToArray();
        var (one, two) = (L1("one"), L1("two"));
        Assert.Equal(one.Length, two.Length);
        var differing = one.Zip(two, (a, b) => Math.Abs(a - b) / a).Count(r => r > 1e-4);
        Assert.True(differing * 64 <= one.Length * ReferenceParityTests.DivergedPer64, $"{differing} of {one.Length} scores differ by more than 1e-4 relative");
    }

    private static ExecutionOptions Cuda(int ordinal) => new() { Device = new DeviceSpec(DeviceKind.Cuda, ordinal) };

    private static CdResult Distill(ExecutionOptions execution, CdMode mode)
    {
        var (images, shape) = ShippedSamples.Many(64);
        using var cd = CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Mode = mode, Steps = Steps }, shape, execution, batchSize: 16);
        return cd.Distill(images, shape);
    }
}
