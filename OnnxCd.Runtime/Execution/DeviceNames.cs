using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace OnnxCd.Runtime.Execution;

/// <summary>
/// Names of the hardware a run used, so that reports compared across machines and GPUs say what
/// they were measured on. ONNX Runtime does not name CUDA devices, so their names come from the
/// NVIDIA driver's own library (the driver API, which numbers devices as the CUDA provider does).
/// </summary>
public static class DeviceNames
{
    private const int CudaSuccess = 0;

    private delegate int CuInit(uint flags);

    private delegate int CuDriverGetVersion(out int version);

    private delegate int CuDeviceGet(out int device, int ordinal);

    private delegate int CuDeviceGetName(byte[] name, int length, int device);

    private delegate int CuDeviceTotalMem(out nuint bytes, int device);

    /// <summary>The CPU's model name (from /proc/cpuinfo on Linux, else the architecture) and its logical processor count.</summary>
    public static string Cpu()
    {
        var name = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").Where(l => l.StartsWith("model name", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault()
            : null;
        var processors = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        return $"{(string.IsNullOrEmpty(name) ? RuntimeInformation.ProcessArchitecture.ToString() : name)}, {processors} logical processors";
    }

    /// <summary>
    /// CUDA device <paramref name="ordinal"/>'s name and memory, and the driver's CUDA version, for
    /// example "NVIDIA H100 80GB HBM3, 79.2 GiB, driver CUDA 13.0"; where the driver library is missing
    /// or does not know the device, "CUDA device N (name unknown: why)". The library stays loaded.
    /// </summary>
    public static string Cuda(int ordinal) =>
        CudaName(ordinal, out var why) ?? string.Create(CultureInfo.InvariantCulture, $"CUDA device {ordinal} (name unknown: {why})");

    private static string? CudaName(int ordinal, out string? why)
    {
        var library = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
        if (!NativeLibrary.TryLoad(library, out var handle))
        {
            why = $"the NVIDIA driver library {library} is not installed";
            return null;
        }

        try
        {
            T Export<T>(string name) => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(handle, name));
            var name = new byte[256];
            nuint bytes = 0;
            int device = 0, version = 0;
            var status = new Func<int>[]
            {
                () => Export<CuInit>("cuInit")(0),
                () => Export<CuDeviceGet>("cuDeviceGet")(out device, ordinal),
                () => Export<CuDeviceGetName>("cuDeviceGetName")(name, name.Length, device),
                () => Export<CuDeviceTotalMem>("cuDeviceTotalMem_v2")(out bytes, device),
                () => Export<CuDriverGetVersion>("cuDriverGetVersion")(out version),
            }.Select(call => call()).FirstOrDefault(code => code != CudaSuccess, CudaSuccess);
            if (status != CudaSuccess)
            {
                why = $"the CUDA driver answered error {status} for device {ordinal}";
                return null;
            }

            why = null;
            var text = Encoding.ASCII.GetString(name, 0, Math.Max(0, Array.IndexOf(name, (byte)0)));
            return string.Create(CultureInfo.InvariantCulture, $"{text}, {bytes / (double)(1L << 30):F1} GiB, driver CUDA {version / 1000}.{version % 1000 / 10}");
        }
        catch (EntryPointNotFoundException e)
        {
            why = $"{library} lacks a function: {e.Message}";
            return null;
        }
    }
}
