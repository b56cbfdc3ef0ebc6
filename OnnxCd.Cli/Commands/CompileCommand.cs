using System.Globalization;
using System.Security.Cryptography;
using CommandLine;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Compilation;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Scanning;

namespace OnnxCd.Cli.Commands;

[Verb("compile", HelpText = "Compile CD into one ONNX model (images in; mask, l1 and logits out) that any ONNX Runtime runs; optionally a Triton model repository. With --reference, the model also outputs flagged, decided by a threshold learned from clean data.")]
internal sealed class CompileOptions : CdHyperParameterOptions, IDeviceOptions
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

    [Option("reference", HelpText = "A trusted clean dataset (any format scan reads): the compiled model distils it (seed = index), learns the threshold of --threshold/-k on its suspicion, and then also outputs flagged [N] (bool).")]
    public string? Reference { get; set; }

    [Option("threshold", HelpText = "With --reference, the rule over the reference's suspicion: reference (mean + k·std, the default; mean-std is the same), mad (median + k·MAD) or quantile (the top q of the clean images are flagged).")]
    public string? Threshold { get; set; }

    [Option('k', HelpText = "k for reference, mean-std and mad (default 1), or q for quantile (default 0.05).")]
    public double? K { get; set; }

    [Option("score", HelpText = "With --reference, suspicion from mask size (family and size-shape, the scan's, need a whole scan): class-relative (against the reference's 0.75-quantile L1 of the image's predicted class; default with --mode probs) or l1 (−L1; default with logits and features).")]
    public string? Score { get; set; }

    [Option("batch-size", Default = 64, HelpText = "With --reference, images per run while the reference is distilled.")]
    public int BatchSize { get; set; }

    [Option("device", Default = "cpu", HelpText = "With --reference, where the reference is distilled: auto, cpu, cuda or cuda:<index>.")]
    public string Device { get; set; } = "cpu";

    [Option("threads", Default = 0, HelpText = "CPU threads for ONNX Runtime (0: one per physical core).")]
    public int Threads { get; set; }

    /// <summary>A filter detects, so it takes scan's default mode (probability mode) with the suspicion that judges each image alone (class-relative); plain CD compiles the paper's CD-L.</summary>
    public override string DefaultMode => Reference is null ? "logits" : "probs";

    public bool Tf32 => false;

    public string CudnnSearch => "exhaustive";
}

/// <summary><c>onnxcd compile</c>: CD as one portable ONNX file.</summary>
internal static class CompileCommand
{
    public static int Run(CompileOptions o, TextWriter output, TextWriter log)
    {
        if (o.NoiseInput && o.Triton is not null)
        {
            throw new UsageException("--triton needs the seed input: the noise input [steps,N,C] does not have the batch axis first, and Triton batches along it. Leave out --noise-input.");
        }

        if (o.NoiseInput && o.Reference is not null)
        {
            throw new UsageException("--reference learns the filter's threshold with the seed input (seed = the image's index), as the filter is served. Leave out --noise-input.");
        }

        if (o.Reference is null && (o.Threshold is not null || o.K is not null || o.Score is not null))
        {
            throw new UsageException("--threshold, -k and --score set the compiled filter's rule, which is learned from clean data: give it with --reference DATA.");
        }

        var score = o.Score is null ? (SuspicionKind?)null : FilterSuspicion(o.Score);
        var maxBatch = OptionParsing.Positive(o.MaxBatchSize, "--max-batch-size");
        var target = OptionParsing.Choice(o.Target, "--target", ("any", ProviderTarget.Any), ("cpu", ProviderTarget.Cpu), ("cuda", ProviderTarget.Cuda));
        var model = OnnxModel.Load(o.Model);
        var options = CdSetup.Options(o, model);
        var dims = CdSetup.ImageDims(model, o.InputSize);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(o.Model)));
        var noise = o.NoiseInput ? CompiledNoise.Input : CompiledNoise.Seeds;
        var compiled = CdCompiler.Compile(model, options, dims, noise, sha256, target, OptionParsing.ProbeMemory(o));
        FilterRule? filter = null;
        if (o.Reference is not null)
        {
            filter = Learn(o, compiled, Scanner.ImageSpecOf(model, OptionParsing.InputSize(o.InputSize)), score ?? CompiledFilter.DefaultSuspicion(options.Mode), log);
            compiled = CompiledFilter.AddFlag(compiled, filter);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(o.Out))!;
        Directory.CreateDirectory(folder);
        compiled.Save(o.Out);

        output.WriteLine($"Model         {o.Model} ({options.Mode.ToString().ToLowerInvariant()}, {options.Steps} steps, lr {options.EffectiveLearningRate:G4}, alpha {options.EffectiveAlpha:G4}, beta {options.EffectiveBeta:G4})");
        output.WriteLine($"Inputs        {Describe(compiled.Proto.Graph.Input)}");
        output.WriteLine($"Outputs       {Describe(compiled.Proto.Graph.Output)}");
        if (filter is not null)
        {
            var invariant = CultureInfo.InvariantCulture;
            output.WriteLine(string.Create(invariant, $"Filter        flagged = suspicion ({ScanCommand.SuspicionName(filter.Suspicion)}) > {filter.Threshold.Value:G6}, {filter.Threshold.Rule}"));
            output.WriteLine(filter.Cutoffs.Length == 1
                ? string.Create(invariant, $"              that is l1 < {filter.Cutoffs[0]:G9}")
                : string.Create(invariant, $"              that is l1 < cutoff of the predicted class: {string.Join(", ", filter.Cutoffs.Select((c, k) => $"{k}: {c:G6}"))}"));
            output.WriteLine(string.Create(invariant, $"Reference     {filter.Reference}: {filter.ReferenceSamples} samples ({filter.ReferenceUnreadable} unreadable); the rule flags {filter.ReferenceFlagged} of them ({100.0 * filter.ReferenceFlagged / filter.ReferenceSamples:F1}%)"));
            if (filter.ClassesWithoutReference.Count > 0)
            {
                output.WriteLine($"Warning       no reference image was predicted in class {string.Join(", ", filter.ClassesWithoutReference)}: their cutoff uses the whole reference's 0.75-quantile L1");
            }
        }

        output.WriteLine($"Wrote         {o.Out} ({new FileInfo(o.Out).Length / 1024.0:F0} KiB, opset {compiled.Opset}, {compiled.Proto.Graph.Node.Count} nodes around one Loop)");
        if (o.Triton is { } repository)
        {
            var name = o.TritonName ?? DefaultName(o.Out);
            var config = TritonRepository.Write(compiled, repository, name, maxBatch);
            output.WriteLine($"Triton        {config} and {Path.Combine(repository, name, "1", "model.onnx")}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>The filter's suspicion named by --score: one that judges each image alone.</summary>
    private static SuspicionKind FilterSuspicion(string score)
    {
        var suspicion = OptionParsing.Choice(score, "--score", ScanCommand.Scores);
        return Suspicion.NeedsShape(suspicion)
            ? throw new UsageException($"--score {score} compares mask shapes across a whole scan, and a compiled filter judges each image alone: use class-relative or l1.")
            : suspicion;
    }

    /// <summary>Distils the reference with the compiled model and learns the filter's rule.</summary>
    private static FilterRule Learn(CompileOptions o, OnnxModel compiled, ImageSpec spec, SuspicionKind suspicion, TextWriter log)
    {
        var batchSize = OptionParsing.Positive(o.BatchSize, "--batch-size");
        var rule = ScanCommand.Parse(() => ThresholdRule.Parse(o.Threshold ?? "reference", o.K));
        using var source = DatasetSource.Open(o.Reference!, "auto", spec);
        ProgressLines progress = new(log, "reference", source.Count);
        return CompiledFilter.Learn(compiled, source, Path.GetFileName(o.Reference!), rule, suspicion, CdSetup.Execution(o), batchSize, (done, _) => progress.Report(done));
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
