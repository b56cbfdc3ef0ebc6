using System.Runtime.InteropServices;
using OnnxCd.Runtime.Execution;

namespace OnnxCd.Tests.Execution;

/// <summary>The hardware names reports carry (the CUDA name itself is checked in <see cref="CudaPathTests"/>).</summary>
public sealed class DeviceNamesTests
{
    [Fact]
    public void Cpu_GivesTheModelName_AndTheProcessorCount()
    {
        var name = DeviceNames.Cpu();

        Assert.EndsWith($", {Environment.ProcessorCount} logical processors", name, StringComparison.Ordinal);
        var model = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        Assert.StartsWith(model is null ? RuntimeInformation.ProcessArchitecture.ToString() : model.Split(':', 2)[1].Trim(), name, StringComparison.Ordinal);
    }

    [NoCudaDriverFact]
    public void Cuda_WithoutTheDriver_SaysSo()
    {
        Assert.Equal("CUDA device 1 (name unknown: the NVIDIA driver library libcuda.so.1 is not installed)", DeviceNames.Cuda(1));
    }

    /// <summary>Runs only on Linux without the NVIDIA driver library; elsewhere the name is real and <see cref="CudaPathTests"/> checks it.</summary>
    private sealed class NoCudaDriverFactAttribute : FactAttribute
    {
        public NoCudaDriverFactAttribute()
        {
            if (!OperatingSystem.IsLinux())
            {
                Skip = "The library name in the message is the Linux one.";
            }
            else if (NativeLibrary.TryLoad("libcuda.so.1", out var handle))
            {
                NativeLibrary.Free(handle);
                Skip = "The NVIDIA driver library is installed here, so CUDA devices have names (checked by CudaPathTests).";
            }
        }
    }
}
