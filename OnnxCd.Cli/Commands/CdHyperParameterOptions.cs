using CommandLine;

namespace OnnxCd.Cli.Commands;

/// <summary>The Cognitive Distillation hyper-parameters shared by every verb that runs or compiles CD (defaults: cd-algorithm.md section 1.7).</summary>
internal abstract class CdHyperParameterOptions : CommonOptions, IProbeOptions
{
    [Option("model", Required = true, HelpText = "The .onnx classifier.")]
    public string Model { get; set; } = string.Empty;

    [Option("mode", HelpText = "What the mask must keep: logits (CD-L, the paper's default), probs (softmax of the logits) or features (CD-F). Default: probs for scan and compile --reference (measured in onnx-models/README.md), logits elsewhere.")]
    public string? Mode { get; set; }

    /// <summary>The mode when --mode is not given.</summary>
    public virtual string DefaultMode => "logits";

    [Option("feature", HelpText = "CD-F: the tensor to match (default: the last 4-D map before global pooling; see onnxcd inspect).")]
    public string? Feature { get; set; }

    [Option("output", HelpText = "The model output holding the logits (default: the only float output).")]
    public string? Output { get; set; }

    [Option("steps", Default = 100, HelpText = "Adam steps (original: 100).")]
    public int Steps { get; set; }

    [Option("lr", HelpText = "Adam learning rate (original: 0.1 for CD-L, 0.05 for CD-F).")]
    public double? LearningRate { get; set; }

    [Option("alpha", HelpText = "Weight of the mask's L1 norm (original: 0.01 for CD-L, 0.001 for CD-F; 1e-4 for probs, measured on the shipped models).")]
    public double? Alpha { get; set; }

    [Option("beta", HelpText = "Weight of the total variation (original: 1 for CD-L, 10 for CD-F).")]
    public double? Beta { get; set; }

    [Option("eps", Default = 1e-8, HelpText = "Adam epsilon. The original averages the loss over its batch of B images, which acts as eps·B here.")]
    public double Epsilon { get; set; }

    [Option("mean", HelpText = "Per-channel mean the model expects, e.g. 0.4914,0.4822,0.4465 (normalisation is put into the graph).")]
    public string? Mean { get; set; }

    [Option("std", HelpText = "Per-channel standard deviation the model expects, e.g. 0.247,0.243,0.261.")]
    public string? Std { get; set; }

    [Option("input-size", HelpText = "HxW for images when the model's input size is symbolic.")]
    public string? InputSize { get; set; }

    [Option("probe-memory", HelpText = IProbeOptions.ProbeMemoryHelp)]
    public string? ProbeMemory { get; set; }
}
