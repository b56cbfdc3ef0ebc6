using System.Collections.Concurrent;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Execution;

namespace OnnxCd.Tests.TestSupport;

/// <summary>Which CUDA devices can run an ONNX Runtime session here, found once per device by creating one on the shipped model.</summary>
internal static class CudaDevices
{
    private static readonly ConcurrentDictionary<int, string?> s_whyNot = new();

    /// <summary>Null when CUDA device <paramref name="ordinal"/> runs a session; else why it does not, in a line.</summary>
    public static string? WhyNotUsable(int ordinal) => s_whyNot.GetOrAdd(ordinal, Probe);

    private static string? Probe(int ordinal)
    {
        try
        {
            var created = SessionFactory.Create(File.ReadAllBytes(ShippedSamples.ModelPath), new ExecutionOptions { Device = new DeviceSpec(DeviceKind.Cuda, ordinal) }, "CUDA probe");
            created.Session.Dispose();
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ModelException)
        {
            // The loader's message ends with what is missing ("libcublasLt.so.13: cannot open shared object file: ...").
            var line = e.Message.Split('\n')[0].Trim();
            var missing = line.LastIndexOf("with error: ", StringComparison.Ordinal);
            return missing >= 0 ? line[(missing + "with error: ".Length)..] : line;
        }
    }
}

/// <summary>A fact for the CUDA path: skipped, with ONNX Runtime's reason, where fewer than <see cref="Devices"/> CUDA devices can run a session.</summary>
internal sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute(int devices = 1)
    {
        Devices = devices;
        for (var ordinal = 0; ordinal < devices; ordinal++)
        {
            if (CudaDevices.WhyNotUsable(ordinal) is { } why)
            {
                Skip = devices == 1
                    ? $"No CUDA device can run ONNX Runtime here (needs an NVIDIA GPU with its driver, CUDA 13 and cuDNN 9 libraries): {why}"
                    : $"Needs {devices} CUDA devices; cuda:{ordinal} cannot run ONNX Runtime here: {why}";
                return;
            }
        }
    }

    /// <summary>How many CUDA devices the test needs.</summary>
    public int Devices { get; }
}
