using System.Globalization;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Inspection;
using OnnxCd.Runtime.Scanning;

namespace OnnxCd.Cli.Commands;

/// <summary>Turns CD command-line options into validated library options, with messages that give the valid values.</summary>
internal static class CdSetup
{
    public static CdOptions Options(CdHyperParameterOptions o, OnnxModel model)
    {
        var mode = (o.Mode ?? o.DefaultMode).ToLowerInvariant() switch
        {
            "logits" => CdMode.Logits,
            "probs" => CdMode.Probs,
            "features" => CdMode.Features,
            _ => throw new UsageException($"--mode '{o.Mode}' is not valid; use logits, probs or features."),
        };
        var (mean, std) = Normalisation(o, model);
        var options = new CdOptions
        {
            Mode = mode,
            Feature = o.Feature,
            Output = o.Output,
            Steps = o.Steps,
            LearningRate = o.LearningRate,
            Alpha = o.Alpha,
            Beta = o.Beta,
            Epsilon = o.Epsilon,
            Seed = (o as CdCommandOptions)?.Seed ?? 0,
            Mean = mean,
            Std = std,
        };
        options.Validate();
        return options;
    }

    /// <summary>Warns on <paramref name="log"/> about a model that runs but probably not as meant (today: an output that comes from a Softmax).</summary>
    public static void Warn(OnnxModel model, TextWriter log)
    {
        foreach (var output in ModelInspector.SoftmaxOutputs(model))
        {
            log.WriteLine($"onnxcd: warning: {ModelInspector.SoftmaxWarning(output)}");
        }
    }

    /// <summary>
    /// The sessions of scan and bench: <paramref name="sessions"/> per device of --device (a list
    /// of GPUs, or one device). With several CPU sessions and --threads 0, the logical processors
    /// are shared out between them.
    /// </summary>
    public static IReadOnlyList<ExecutionOptions> Sessions(IDeviceOptions o, int sessions)
    {
        var perDevice = OptionParsing.Positive(sessions, "--sessions", 256);
        var threads = o.Threads == 0 && perDevice > 1 ? Math.Max(1, Environment.ProcessorCount / perDevice) : o.Threads;
        return DeviceSpec.ParseList(o.Device)
            .SelectMany(device => Enumerable.Repeat(Execution(o, device) with { IntraOpThreads = threads }, perDevice))
            .ToList();
    }

    public static ExecutionOptions Execution(IDeviceOptions o) => Execution(o, DeviceSpec.Parse(o.Device));

    private static ExecutionOptions Execution(IDeviceOptions o, DeviceSpec device) => new()
    {
        Device = device,
        IntraOpThreads = o.Threads >= 0 ? o.Threads : throw new UsageException($"--threads {o.Threads} is out of range; give 0 (automatic) or a positive count."),
        AllowTf32 = o.Tf32,
        CudnnSearch = OptionParsing.Choice(o.CudnnSearch, "--cudnn-search", ("exhaustive", CudnnSearch.Exhaustive), ("heuristic", CudnnSearch.Heuristic), ("default", CudnnSearch.Default)),
        ProbeMemory = OptionParsing.ProbeMemory(o),
    };

    public static NoiseSource? Noise(CdCommandOptions o) => o.Noise is { } path ? NoiseSource.FromArray(NpyFile.Read(path), path) : null;

    /// <summary>--mean/--std, or the model's onnxcd.mean/onnxcd.std metadata when the flags are absent.</summary>
    private static (float[]? Mean, float[]? Std) Normalisation(CdHyperParameterOptions o, OnnxModel model)
    {
        var metadata = model.Metadata;
        var mean = o.Mean ?? metadata.GetValueOrDefault("onnxcd.mean");
        var std = o.Std ?? metadata.GetValueOrDefault("onnxcd.std");
        if ((mean is null) != (std is null))
        {
            throw new UsageException("--mean and --std go together; give both or neither.");
        }

        return mean is null ? (null, null) : (Floats(mean, "--mean"), Floats(std!, "--std"));
    }

    private static float[] Floats(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new UsageException($"{option} '{text}' is not valid; give one number per channel, separated by commas (for example 0.5,0.5,0.5).");
            }
        }

        return values;
    }

    /// <summary>Reads images from .npy, or one image file resized to the model's input size.</summary>
    public static (float[] Images, long[] Shape) Images(string path, OnnxModel model, string? inputSize)
    {
        if (!ImageFile.IsImagePath(path))
        {
            return ImageArrays.ToNchw(NpyFile.Read(path), path);
        }

        var dims = ImageDims(model, inputSize);
        return (ImageFile.Read(path, (int)dims[1], (int)dims[2], (int)dims[3]), dims);
    }

    /// <summary>[1,C,H,W] from the model's declared input, with --input-size for symbolic H and W (<see cref="Scanner.ImageSpecOf"/>).</summary>
    public static long[] ImageDims(OnnxModel model, string? inputSize)
    {
        var spec = Scanner.ImageSpecOf(model, OptionParsing.InputSize(inputSize));
        return [1, spec.Channels, spec.Height, spec.Width];
    }
}
