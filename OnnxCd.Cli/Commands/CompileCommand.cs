using System.Security.Cryptography;
using CommandLine;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Compilation;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Cli.Commands;

[Verb("compile", HelpText = "Compile CD into one ONNX model (images in; mask, l1 and logits out) that any ONNX Runtime runs; optionally a Triton model repository.")]
internal sealed class CompileOptions : CdHyperParameterOptions
{
    [Option("out", Required = true, HelpText = "The compiled model to write, e.g. model.cd.onnx.")]
    public string Out { get; set; } = string.Empty;

    [Option("noise-input", HelpText = "Take the noise colours as input 'noise' [steps,N,C] (to replay onnxcd distill --noise exactly) instead of drawing them from input 'seed' [N].")]
    public bool NoiseInput { get; set; }

    [Option("triton", HelpText = "Also write a Triton model repository in this folder: NAME/1/model.onnx and NAME/config.pbtxt.")]
    public string? Triton { get; set; }

    [Option("triton-name", HelpText = "The Triton model name (default: the --out file name without .onnx and .cd).")]
    public string? TritonName { get; set; }

    [Option("target", Default = "any", HelpText = "any: ops that every ONNX Runtime provider runs (CUDA included; max-pooling ties go where the provider's kernel puts them); cpu: faster CPU-only kernels where there are some (MaxUnpool for non-overlapping max pooling), for CPU serving; cuda: for CUDA serving, max-pooling ties go to the first maximum row by row, as on the CPU and in PyTorch.")]
    public string Target { get; set; } = "any";

    [Option("max-batch-size", Default = 64, HelpText = "Triton max_batch_size (dynamic batching forms batches up to it).")]
    public int MaxBatchSize { get; set; }
}

/// <summary><c>onnxcd compile</c>: CD as one portable ONNX file.</summary>
internal static class CompileCommand
{
    public static int Run(CompileOptions o, TextWriter output)
    {
        if (o.NoiseInput && o.Triton is not null)
        {
            throw new UsageException("--triton needs the seed input: the noise input [steps,N,C] does not have the batch axis first, and Triton batches along it. Leave out --noise-input.");
        }

        var maxBatch = OptionParsing.Positive(o.MaxBatchSize, "--max-batch-size");
        var target = OptionParsing.Choice(o.Target, "--target", ("any", ProviderTarget.Any), ("cpu", ProviderTarget.Cpu), ("cuda", ProviderTarget.Cuda));
        var model = OnnxModel.Load(o.Model);
        var options = CdSetup.Options(o, model);
        var dims = CdSetup.ImageDims(model, o.InputSize);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(o.Model)));
        var noise = o.NoiseInput ? CompiledNoise.Input : CompiledNoise.Seeds;
        var compiled = CdCompiler.Compile(model, options, dims, noise, sha256, target, OptionParsing.ProbeMemory(o));
        var folder = Path.GetDirectoryName(Path.GetFullPath(o.Out))!;
        Directory.CreateDirectory(folder);
        compiled.Save(o.Out);

        output.WriteLine($"Model         {o.Model} ({options.Mode.ToString().ToLowerInvariant()}, {options.Steps} steps, lr {options.EffectiveLearningRate:G4}, alpha {options.EffectiveAlpha:G4}, beta {options.EffectiveBeta:G4})");
        output.WriteLine($"Inputs        {Describe(compiled.Proto.Graph.Input)}");
        output.WriteLine($"Outputs       {Describe(compiled.Proto.Graph.Output)}");
        output.WriteLine($"Wrote         {o.Out} ({new FileInfo(o.Out).Length / 1024.0:F0} KiB, opset {compiled.Opset}, {compiled.Proto.Graph.Node.Count} nodes around one Loop)");
        if (o.Triton is { } repository)
        {
            var name = o.TritonName ?? DefaultName(o.Out);
            var config = TritonRepository.Write(compiled, repository, name, maxBatch);
            output.WriteLine($"Triton        {config} and {Path.Combine(repository, name, "1", "model.onnx")}");
        }

        return ExitCodes.Ok;
    }

    private static string DefaultName(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var suffix in new[] { ".onnx", ".cd" })
        {
            name = name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) ? name[..^suffix.Length] : name;
        }

        return name;
    }

    private static string Describe(IEnumerable<Onnx.ValueInfoProto> values) => string.Join(", ", values.Select(v =>
        $"{v.Name} {ElementTypes.Name((Onnx.TensorProto.Types.DataType)v.Type.TensorType.ElemType)}{ValueInfos.FormatDims(v)}"));
}
