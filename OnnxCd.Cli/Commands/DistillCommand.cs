using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CommandLine;
using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Reporting;

namespace OnnxCd.Cli.Commands;

[Verb("distill", HelpText = "Learn each image's Cognitive Distillation mask; write masks.npy, l1.npy (the scores) and, for images or with --png, pictures.")]
internal sealed class DistillOptions : CdCommandOptions
{
    [Option("input", Required = true, HelpText = "X.npy (float32 [N,C,H,W] in [0,1], or uint8 [N,H,W] / [N,H,W,C]) or one PNG/JPEG/BMP image.")]
    public string Input { get; set; } = string.Empty;

    [Option("out", Default = "cd-out", HelpText = "Folder for masks.npy, l1.npy, loss.npy, distill.json and png/.")]
    public string Out { get; set; } = "cd-out";

    [Option("png", HelpText = "Also write each mask and cognitive pattern x·m as PNG (always for an image input).")]
    public bool Png { get; set; }
}

/// <summary><c>onnxcd distill</c>: builds the CD graphs, runs them, and writes the masks, scores and a manifest.</summary>
internal static class DistillCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(DistillOptions o, TextWriter output, TextWriter log)
    {
        var batchSize = OptionParsing.Positive(o.BatchSize, "--batch-size");
        var model = OnnxModel.Load(o.Model);
        CdSetup.Warn(model, log);
        var options = CdSetup.Options(o, model);
        var execution = CdSetup.Execution(o);
        var noise = CdSetup.Noise(o);
        var (images, shape) = CdSetup.Images(o.Input, model, o.InputSize);

        var clock = Stopwatch.StartNew();
        using var distiller = CognitiveDistiller.Create(model, options, shape, execution, batchSize, noise);
        var built = clock.Elapsed;
        if (distiller.FallbackReason is { } reason)
        {
            log.WriteLine($"onnxcd: {reason}");
        }

        var result = distiller.Distill(images, shape, progress: new ProgressLines(log, "distill", shape[0]).Report);
        var seconds = (clock.Elapsed - built).TotalSeconds;

        Directory.CreateDirectory(o.Out);
        NpyFile.Write(Path.Combine(o.Out, "masks.npy"), NpyArray.Of(result.Masks, result.MaskShape));
        NpyFile.Write(Path.Combine(o.Out, "l1.npy"), NpyArray.Of(result.L1, shape[0]));
        NpyFile.Write(Path.Combine(o.Out, "loss.npy"), NpyArray.Of(result.Loss, shape[0]));
        var pictures = o.Png || ImageFile.IsImagePath(o.Input) ? WritePictures(o.Out, images, shape, result) : 0;

        var sorted = result.L1.Order().ToArray();
        var manifest = new
        {
            Model = o.Model,
            ModelSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(o.Model))),
            Input = o.Input,
            Samples = shape[0],
            ImageShape = shape.Skip(1),
            OnnxRuntime = OrtEnv.Instance().GetVersionString(),
            distiller.Provider,
            Mode = options.Mode.ToString().ToLowerInvariant(),
            MatchedTensor = distiller.Graphs.Matched,
            options.Steps,
            LearningRate = options.EffectiveLearningRate,
            Alpha = options.EffectiveAlpha,
            Beta = options.EffectiveBeta,
            options.Beta1,
            options.Beta2,
            options.Epsilon,
            options.InitialTheta,
            Noise = o.Noise is null ? $"seeded, seed {options.Seed}" : $"file {o.Noise}",
            options.Mean,
            options.Std,
            Reduction = "sum of per-sample objectives (each sample evolves as alone)",
            distiller.BatchSize,
            GraphSeconds = built.TotalSeconds,
            Seconds = seconds,
            ImagesPerSecond = shape[0] / seconds,
            ImageStepsPerSecond = shape[0] * options.Steps / seconds,
            L1 = new { Min = sorted[0], Median = sorted[sorted.Length / 2], Max = sorted[^1] },
            Pictures = pictures,
        };
        AtomicFile.WriteAllText(Path.Combine(o.Out, "distill.json"), JsonSerializer.Serialize(manifest, s_json));

        output.WriteLine($"Model         {o.Model} ({manifest.Mode}: matching '{distiller.Graphs.Matched}' {distiller.Graphs.TargetShape})");
        output.WriteLine($"Provider      {distiller.Provider}, ONNX Runtime {manifest.OnnxRuntime}");
        output.WriteLine($"Run           {shape[0]} images × {options.Steps} steps in {seconds:F2} s ({manifest.ImageStepsPerSecond:F0} image-steps/s, batch {Math.Min(distiller.BatchSize, shape[0])}); graphs built in {built.TotalSeconds:F2} s");
        output.WriteLine($"Mask L1       min {sorted[0]:F1}, median {manifest.L1.Median:F1}, max {sorted[^1]:F1} (of {shape[2] * shape[3]} pixels; small = suspicious)");
        output.WriteLine($"Wrote         {Path.Combine(o.Out, "masks.npy")}, l1.npy, loss.npy, distill.json" + (pictures > 0 ? $", {pictures} PNGs in png/" : string.Empty));
        return ExitCodes.Ok;
    }

    private static int WritePictures(string folder, float[] images, long[] shape, CdResult result)
    {
        var png = Path.Combine(folder, "png");
        Directory.CreateDirectory(png);
        int channels = (int)shape[1], height = (int)shape[2], width = (int)shape[3];
        var plane = height * width;
        for (var i = 0; i < shape[0]; i++)
        {
            var mask = result.Masks.AsSpan(i * plane, plane);
            MaskImages.WriteMask(Path.Combine(png, $"{i:D5}_mask.png"), mask, height, width);
            MaskImages.WritePattern(Path.Combine(png, $"{i:D5}_pattern.png"), images.AsSpan(i * channels * plane, channels * plane), mask, channels, height, width);
        }

        return (int)shape[0] * 2;
    }
}
