using CommandLine;
using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Cli.Commands;

[Verb("predict", HelpText = "Run the model on X.npy and write one of its float outputs (the logits by default) to Y.npy, for checks such as an export round trip.")]
internal sealed class PredictOptions : CommonOptions, IProbeOptions
{
    [Option("model", Required = true, HelpText = "The .onnx model.")]
    public string Model { get; set; } = string.Empty;

    [Option("input", Required = true, HelpText = "X.npy: float32 [N,C,H,W], or uint8 [N,H,W] / [N,H,W,C] (scaled by 1/255).")]
    public string Input { get; set; } = string.Empty;

    [Option("out", Required = true, HelpText = "Y.npy to write (float32).")]
    public string Out { get; set; } = string.Empty;

    [Option("output", HelpText = "The output to write (default: the model's only float output).")]
    public string? Output { get; set; }

    [Option("device", Default = "cpu", HelpText = "auto, cpu, cuda or cuda:<index>.")]
    public string Device { get; set; } = "cpu";

    [Option("probe-memory", HelpText = IProbeOptions.ProbeMemoryHelp)]
    public string? ProbeMemory { get; set; }
}

/// <summary><c>onnxcd predict</c>: one forward run of the model as it is.</summary>
internal static class PredictCommand
{
    public static int Run(PredictOptions o, TextWriter output)
    {
        var model = OnnxModel.Load(o.Model);
        var (x, shape) = ImageArrays.ToNchw(NpyFile.Read(o.Input), o.Input);
        if (model.InputNames.Count != 1)
        {
            throw new ModelException($"Model '{o.Model}' has {model.InputNames.Count} inputs [{string.Join(", ", model.InputNames)}]; predict feeds one image input.");
        }

        var shapes = ModelProbe.Run(model, new Dictionary<string, long[]> { [model.InputNames[0]] = shape }, OptionParsing.ProbeMemory(o));
        var floats = model.OutputNames.Where(n => shapes[n].IsFloat).ToList();
        var name = o.Output ?? (floats.Count == 1 ? floats[0] : throw new ModelException($"Model '{o.Model}' has {floats.Count} float outputs [{string.Join(", ", floats)}]; choose one with --output."));
        if (!floats.Contains(name))
        {
            throw new ModelException($"Output '{name}' not found among the float outputs of '{o.Model}': [{string.Join(", ", floats)}]");
        }

        var created = SessionFactory.Create(model.ToBytes(), new ExecutionOptions { Device = DeviceSpec.Parse(o.Device) }, o.Model);
        using var session = created.Session;
        using var input = OrtValue.CreateTensorValueFromMemory(x, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [model.InputNames[0]], [input], [name]);
        var info = results[0].GetTensorTypeAndShape();
        NpyFile.Write(o.Out, NpyArray.Of(results[0].GetTensorDataAsSpan<float>().ToArray(), info.Shape));
        output.WriteLine($"Wrote         {o.Out}: '{name}' float32 {TensorShape.Format(info.Shape)} ({created.Provider})");
        return ExitCodes.Ok;
    }
}
