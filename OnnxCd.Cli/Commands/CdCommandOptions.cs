using CommandLine;

namespace OnnxCd.Cli.Commands;

/// <summary>The options of the verbs that run CD here: hyper-parameters, noise, batching and device.</summary>
internal abstract class CdCommandOptions : CdHyperParameterOptions, IDeviceOptions
{
    [Option("seed", Default = 0UL, HelpText = "Seed of the noise colours.")]
    public ulong Seed { get; set; }

    [Option("noise", HelpText = "Replay the noise colours from N.npy, float32 [steps,N,C] (overrides --seed).")]
    public string? Noise { get; set; }

    [Option("batch-size", Default = 64, HelpText = "Images per ONNX Runtime run.")]
    public int BatchSize { get; set; }

    [Option("device", Default = "auto", HelpText = "auto, cpu, cuda or cuda:<index>; scan also takes a list of GPUs, cuda:0,1, one session each.")]
    public string Device { get; set; } = "auto";

    [Option("threads", Default = 0, HelpText = "CPU threads for ONNX Runtime (0: one per physical core).")]
    public int Threads { get; set; }

    [Option("tf32", HelpText = IDeviceOptions.Tf32Help)]
    public bool Tf32 { get; set; }

    [Option("cudnn-search", Default = "exhaustive", HelpText = IDeviceOptions.CudnnSearchHelp)]
    public string CudnnSearch { get; set; } = "exhaustive";
}
