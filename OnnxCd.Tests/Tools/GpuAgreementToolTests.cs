using OnnxCd.Runtime.Data;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Tools;

/// <summary>
/// The verdict of tools/gpu/agreement.py compare, which the GPU check reports as its result: on
/// answers that agree it passes (TF32 a little off float32, as it may be), and each kind of
/// disagreement it is there to catch fails it.
/// </summary>
public sealed class GpuAgreementToolTests
{
    private const int Samples = 64;
    private const int Plane = 28 * 28;

    [PythonTorchTheory]
    [InlineData("none", 0)]
    [InlineData("vjp", 1)]
    [InlineData("masks", 1)]
    [InlineData("l1", 1)]
    [InlineData("cudnn", 1)]
    [InlineData("tf32", 1)]
    [InlineData("auto", 1)]
    public void Compare_FailsExactlyWhenTheDeviceDisagrees(string disagreement, int expectedExit)
    {
        using var dir = new TempDirectory();
        var random = new Random(3);
        float[] Random(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)(scale * random.NextDouble())).ToArray();
        var vjp = Random(Samples * Plane, 1);
        var masks3 = Random(Samples * Plane, 1);
        var masks10 = Random(Samples * Plane, 1);
        File.WriteAllText(dir.File("model.txt"), "synthetic");
        NpyFile.Write(dir.File("noise_3.npy"), NpyArray.Of(Random(3 * Samples, 1), 3, Samples, 1));
        NpyFile.Write(dir.File("noise_10.npy"), NpyArray.Of(Random(10 * Samples, 1), 10, Samples, 1));
        foreach (var run in new[] { "torch", "torch64", "cpu", "device" })
        {
            var mine = vjp.ToArray();
            var (m3, m10) = (masks3.ToArray(), masks10.ToArray());
            if (run == "device")
            {
                Perturb(disagreement, mine, m3, m10);
            }

            NpyFile.Write(dir.File($"vjp_{run}.npy"), NpyArray.Of(mine, Samples, 1, 28, 28));
            if (run == "torch64")
            {
                continue;
            }

            foreach (var (steps, masks) in new[] { (3, m3), (10, m10) })
            {
                var path = run == "torch" ? dir.File($"masks_torch_{steps}.npy") : Path.Combine(Directory.CreateDirectory(dir.File($"distill_{run}_{steps}")).FullName, "masks.npy");
                NpyFile.Write(path, NpyArray.Of(masks, Samples, 1, 28, 28));
            }
        }

        // The device's other settings: a cuDNN search against the CPU, TF32 against float32, --device auto.
        var searched = masks3.ToArray();
        var tf32 = masks10.Select(m => m * 1.001f).ToArray();
        if (disagreement == "cudnn")
        {
            Perturb("masks", [], searched, []);
        }

        if (disagreement == "tf32")
        {
            // 3% smaller masks: L1 off by a median 3e-2 (TF32's bound 1e-2).
            tf32 = masks10.Select(m => m * 0.97f).ToArray();
        }

        foreach (var (run, steps, masks) in new[] { ("device-heuristic", 3, searched), ("device-default", 3, masks3), ("device-tf32", 10, tf32), ("auto", 3, masks3) })
        {
            NpyFile.Write(Path.Combine(Directory.CreateDirectory(dir.File($"distill_{run}_{steps}")).FullName, "masks.npy"), NpyArray.Of(masks, Samples, 1, 28, 28));
        }

        File.WriteAllText(dir.File("distill_device_3/distill.json"), """{"provider": "CUDAExecutionProvider (device 0)"}""");
        File.WriteAllText(dir.File("distill_auto_3/distill.json"), disagreement == "auto" ? """{"provider": "CPUExecutionProvider"}""" : """{"provider": "CUDAExecutionProvider (device 0)"}""");

        var (code, output) = PythonOnnx.Run(Path.Combine(RepositoryPaths.Root, "tools", "gpu", "agreement.py"), "compare", "--work", dir.Path, "--runs", "cpu,device", "--out", dir.File("report.json"));

        Assert.True(code == expectedExit, $"exit {code}, expected {expectedExit}: {output}{File.ReadAllText(dir.File("report.json"))}");
    }

    /// <summary>Gives the device's answer one kind of disagreement, each just beyond its bound.</summary>
    private static void Perturb(string disagreement, float[] vjp, float[] masks3, float[] masks10)
    {
        switch (disagreement)
        {
            case "vjp":
                // Half the values 6e-4 off: a relative error of about 4e-4 (bound 1e-4).
                for (var i = 0; i < vjp.Length; i += 2)
                {
                    vjp[i] *= 1.0006f;
                }

                break;
            case "masks":
                // 11 of 64 samples move by 2e-4 after the fewest steps (at most 10 may pass 1e-4).
                for (var s = 0; s < 11; s++)
                {
                    masks3[(s * Plane) + 5] += 2e-4f;
                }

                break;
            case "l1":
                // After the most steps, every sample's mask shrinks by 1%: L1 off by a median 1e-2 (bound 1e-3).
                for (var i = 0; i < masks10.Length; i++)
                {
                    masks10[i] *= 0.99f;
                }

                break;
        }
    }
}
