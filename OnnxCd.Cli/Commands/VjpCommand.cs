using System.Diagnostics;
using CommandLine;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Cli.Commands;

[Verb("vjp", HelpText = "Write J(x)ᵀ·c, the gradient of <output, c> with respect to the model input, computed by ONNX Runtime.")]
internal sealed class VjpOptions : CommonOptions, IProbeOptions
{
    [Option("model", Required = true, HelpText = "The .onnx model.")]
    public string Model { get; set; } = string.Empty;

    [Option("input", Required = true, HelpText = "X.npy: float32 [N,C,H,W], or uint8 [N,H,W] / [N,H,W,C] (scaled by 1/255).")]
    public string Input { get; set; } = string.Empty;

    [Option("cotangent", Required = true, HelpText = "C.npy: float32 with the output's shape [N,...].")]
    public string Cotangent { get; set; } = string.Empty;

    [Option("out", Required = true, HelpText = "GX.npy to write: float32 with the input's shape [N,C,H,W].")]
    public string Out { get; set; } = string.Empty;

    [Option("output", HelpText = "The output to differentiate (default: the model's only float output).")]
    public string? Output { get; set; }

    [Option("batch-size", Default = 32, HelpText = "Samples per ONNX Runtime run.")]
    public int BatchSize { get; set; }

    [Option("device", Default = "auto", HelpText = "auto, cpu, cuda or cuda:<index>.")]
    public string Device { get; set; } = "auto";

    [Option("probe-memory", HelpText = IProbeOptions.ProbeMemoryHelp)]
    public string? ProbeMemory { get; set; }
}

/// <summary><c>onnxcd vjp</c>: reads X and C, builds the gradient graph, runs it in batches, writes GX.</summary>
internal static class VjpCommand
{
    public static int Run(VjpOptions options, TextWriter output, TextWriter log)
    {
        var batchSize = OptionParsing.Positive(options.BatchSize, "--batch-size");
        var device = DeviceSpec.Parse(options.Device);
        var model = OnnxModel.Load(options.Model);
        var (x, xShape) = ImageArrays.ToNchw(NpyFile.Read(options.Input), options.Input);
        var cotangent = NpyFile.Read(options.Cotangent);
        if (cotangent.Type != NpyType.Float32)
        {
            throw new DataException($"'{options.Cotangent}' holds uint8; the cotangent must be float32 with the output's shape.");
        }

        var clock = Stopwatch.StartNew();
        using var session = VjpSession.Create(model, xShape, options.Output, new ExecutionOptions { Device = device, ProbeMemory = OptionParsing.ProbeMemory(options) });
        CheckShape(options.Input, xShape, session.InputInfo.Shape, "the model input");
        CheckShape(options.Cotangent, cotangent.Shape, session.OutputInfo.Shape, $"output '{session.Output}'");
        if (cotangent.Shape[0] != xShape[0])
        {
            throw new DataException($"'{options.Cotangent}' has {cotangent.Shape[0]} samples but '{options.Input}' has {xShape[0]}.");
        }

        if (session.FallbackReason is { } reason)
        {
            log.WriteLine($"onnxcd: {reason}");
        }

        var built = clock.Elapsed;
        var reporter = new ProgressLines(log, "vjp", xShape[0]);
        var gradient = session.Run(x, xShape, cotangent.Floats, cotangent.Shape, batchSize, reporter.Report);
        NpyFile.Write(options.Out, NpyArray.Of(gradient, xShape));

        var norm = Math.Sqrt(gradient.Sum(v => (double)v * v));
        output.WriteLine($"Model         {options.Model} (input '{session.Input}', output '{session.Output}')");
        output.WriteLine($"Provider      {session.Provider}");
        output.WriteLine($"Gradient      {session.Gradient.BackwardNodeCount} backward nodes at opset {session.Gradient.Opset}, built in {built.TotalSeconds:F2} s");
        output.WriteLine($"Samples       {xShape[0]} of {TensorShape.Format(xShape.Skip(1))}, in batches of {session.FixedBatch ?? Math.Min(batchSize, xShape[0])}, {(clock.Elapsed - built).TotalSeconds:F2} s");
        output.WriteLine($"Wrote         {options.Out}: float32 {TensorShape.Format(xShape)}, L2 norm {norm:G6}");
        return ExitCodes.Ok;
    }

    /// <summary>Refuses an array whose non-batch dimensions differ from the tensor it feeds.</summary>
    private static void CheckShape(string file, long[] actual, TensorShape expected, string what)
    {
        var matches = actual.Length == expected.Rank && Enumerable.Range(1, actual.Length - 1).All(i => expected.IsDynamic(i) || expected[i] == actual[i]);
        if (!matches)
        {
            throw new DataException($"'{file}' has shape {TensorShape.Format(actual)}, but {what} takes {expected} (? is the batch axis).");
        }
    }
}
