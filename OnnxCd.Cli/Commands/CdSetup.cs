using System.Globalization;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Inspection;

namespace OnnxCd.Cli.Commands;

/// <summary>Turns CD command-line options into validated library options, with messages that give the valid values.</summary>
internal static class CdSetup
{
    /// <summary>The command-line flag of each <see cref="CdOptions"/> property that has one, for messages.</summary>
    private static readonly Dictionary<string, string> s_flags = new(StringComparer.Ordinal)
    {
        [nameof(CdOptions.Steps)] = "--steps",
        ["LearningRate"] = "--lr",
        ["Alpha"] = "--alpha",
        ["Beta"] = "--beta",
        [nameof(CdOptions.Epsilon)] = "--eps",
        [nameof(CdOptions.Mean)] = "--mean",
        [nameof(CdOptions.Std)] = "--std",
    };

    public static CdOptions Options(CdHyperParameterOptions o, OnnxModel model)
    {
        var mode = o.Mode.ToLowerInvariant() switch
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
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            var message = e.Message.Split(" (Parameter")[0];
            throw new UsageException(s_flags.TryGetValue(e.ParamName ?? string.Empty, out var flag) ? message.Replace($"{e.ParamName} =", flag, StringComparison.Ordinal) : message);
        }

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

    public static ExecutionOptions Execution(CdCommandOptions o) => Execution(o.Device, o.Threads);

    public static ExecutionOptions Execution(string device, int threads) => new()
    {
        Device = DeviceSpec.Parse(device),
        IntraOpThreads = threads >= 0 ? threads : throw new UsageException($"--threads {threads} is out of range; give 0 (automatic) or a positive count."),
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

        var declared = model.DeclaredInputShape;
        var size = OptionParsing.InputSize(inputSize);
        long Dim(int axis, int fromSize) => declared is { Length: 4 } && declared[axis] > 0 ? declared[axis]
            : size?[fromSize] ?? throw new UsageException($"The model's input size is symbolic; give --input-size HxW to read '{path}'.");
        var channels = declared is { Length: 4 } && declared[1] > 0 ? declared[1] : 3;
        var height = Dim(2, 0);
        var width = Dim(3, 1);
        return (ImageFile.Read(path, (int)channels, (int)height, (int)width), [1, channels, height, width]);
    }

    /// <summary>[1,C,H,W] from the model's declared input, with --input-size for symbolic H and W.</summary>
    public static long[] ImageDims(OnnxModel model, string? inputSize)
    {
        var declared = model.DeclaredInputShape;
        if (declared is not { Length: 4 } || declared[1] <= 0)
        {
            throw new ModelException($"Model '{model.Description}' declares input {(declared is null ? "without a shape" : TensorShape.Format(declared))}; CD needs images [N,C,H,W] with a fixed channel count.");
        }

        var size = OptionParsing.InputSize(inputSize);
        long Dim(int axis, int fromSize) => declared[axis] > 0 ? declared[axis]
            : size?[fromSize] ?? throw new UsageException($"The input size of '{model.Description}' is symbolic ({TensorShape.Format(declared)}); give --input-size HxW.");
        return [declared[0] > 0 ? declared[0] : 1, declared[1], Dim(2, 0), Dim(3, 1)];
    }
}
