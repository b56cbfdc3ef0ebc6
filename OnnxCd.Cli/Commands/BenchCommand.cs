using System.Globalization;
using System.Text.Json;
using CommandLine;
using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Benchmarking;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Cli.Commands;

[Verb("bench", HelpText = "Time full CD runs of a model per batch size: images/s, steps/s, effective GFLOP/s against the machine's MatMul peak through ONNX Runtime.")]
internal sealed class BenchOptions : CdHyperParameterOptions, IDeviceOptions
{
    /// <summary>The help of scan's and bench's --sessions.</summary>
    public const string SessionsHelp = "ONNX Runtime sessions per device, each distilling its own batches in parallel (on the CPU, with --threads 0 the logical processors are shared out between them).";

    [Option("batch-sizes", Default = "1,16,64", HelpText = "Comma-separated batch sizes to measure.")]
    public string BatchSizes { get; set; } = "1,16,64";

    [Option("repeat", Default = 3, HelpText = "Timed runs per batch size (the median is reported), after one warm-up run.")]
    public int Repeat { get; set; }

    [Option("device", Default = "cpu", HelpText = "auto, cpu, cuda or cuda:<index>, or a list of GPUs, cuda:0,1, one session each.")]
    public string Device { get; set; } = "cpu";

    [Option("threads", Default = 0, HelpText = "CPU threads for ONNX Runtime (0: one per physical core).")]
    public int Threads { get; set; }

    [Option("sessions", Default = 1, HelpText = SessionsHelp)]
    public int Sessions { get; set; }

    [Option("tf32", HelpText = IDeviceOptions.Tf32Help)]
    public bool Tf32 { get; set; }

    [Option("cudnn-search", Default = "exhaustive", HelpText = IDeviceOptions.CudnnSearchHelp)]
    public string CudnnSearch { get; set; } = "exhaustive";

    [Option("peak-size", Default = 1024, HelpText = "n of the n×n MatMul that measures the peak.")]
    public int PeakSize { get; set; }

    [Option("profile", HelpText = "Write ONNX Runtime's trace of every session (each node run, its provider and duration) to PREFIX-NNN_TIME.json; it grows with every step, so profile one small batch size and few steps.")]
    public string? Profile { get; set; }

    [Option("json", HelpText = "Print the results as JSON.")]
    public bool Json { get; set; }
}

/// <summary><c>onnxcd bench</c>: CD throughput and effective FLOP rate, comparable across machines.</summary>
internal static class BenchCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static int Run(BenchOptions o, TextWriter output, TextWriter log)
    {
        var batchSizes = o.BatchSizes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b >= 1 ? b
                : throw new UsageException($"--batch-sizes '{o.BatchSizes}' is not valid; give positive integers separated by commas, for example 1,16,64."))
            .ToArray();
        var repeats = OptionParsing.Positive(o.Repeat, "--repeat", 1000);
        var peakSize = OptionParsing.Positive(o.PeakSize, "--peak-size", 8192);
        if (o.Profile is not null && Path.GetDirectoryName(Path.GetFullPath(o.Profile)) is { } folder && !Directory.Exists(folder))
        {
            throw new UsageException($"--profile '{o.Profile}': the folder '{folder}' does not exist; create it first or give a prefix in an existing folder.");
        }

        var devices = CdSetup.Sessions(o, o.Sessions);
        var execution = devices[0] with { IntraOpThreads = o.Threads };
        // Only the CD sessions are profiled, not the MatMul peak.
        var sessions = devices.Select(s => s with { ProfilePrefix = o.Profile }).ToList();
        var model = OnnxModel.Load(o.Model);
        var options = CdSetup.Options(o, model);
        var dims = CdSetup.ImageDims(model, o.InputSize);

        var peak = MatMulPeak.Measure(execution, peakSize);
        var (results, provider) = CdBenchmark.Run(model, options, dims, sessions, batchSizes, repeats, r =>
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: batch {r.BatchSize} done ({r.ImagesPerSecond:F1} images/s)")));
        var report = new
        {
            Model = o.Model,
            Mode = options.Mode.ToString().ToLowerInvariant(),
            options.Steps,
            Image = dims.Skip(1),
            Provider = provider,
            Devices = provider.StartsWith("CUDA", StringComparison.Ordinal) ? sessions.Select(s => s.Device.DeviceId).Distinct().Select(DeviceNames.Cuda).ToList() : [DeviceNames.Cpu()],
            OnnxRuntime = OrtEnv.Instance().GetVersionString(),
            Sessions = sessions.Count,
            Threads = sessions[0].IntraOpThreads == 0 ? "automatic" : sessions[0].IntraOpThreads.ToString(CultureInfo.InvariantCulture),
            Processors = Environment.ProcessorCount,
            Tf32 = execution.AllowTf32,
            CudnnSearch = execution.CudnnSearch.ToString().ToLowerInvariant(),
            MatMulPeakGflops = peak,
            PeakMatMulSize = peakSize,
            FastestBatchSize = results.MaxBy(r => r.ImagesPerSecond)!.BatchSize,
            Results = results.Select(r => new { r.BatchSize, r.BuildSeconds, r.Seconds, r.Repeats, r.StepGflop, r.ImagesPerSecond, r.StepsPerSecond, ImageStepsPerSecond = r.ImagesPerSecond * options.Steps, r.Gflops, PercentOfPeak = 100 * r.Gflops / peak }),
        };
        if (o.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, s_json));
            return ExitCodes.Ok;
        }

        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine($"Model         {o.Model} ({report.Mode}, {options.Steps} steps, image {TensorShape.Format(dims.Skip(1))})");
        output.WriteLine(string.Create(invariant, $"Machine       {provider}, ONNX Runtime {report.OnnxRuntime}, threads {report.Threads}{(report.Sessions > 1 ? " per session" : string.Empty)} of {report.Processors} logical processors"));
        output.WriteLine($"Device        {string.Join("; ", report.Devices)}");
        if (provider.StartsWith("CUDA", StringComparison.Ordinal))
        {
            output.WriteLine($"CUDA          TF32 {(report.Tf32 ? "on" : "off")}, cuDNN algorithm search {report.CudnnSearch}");
        }

        output.WriteLine(string.Create(invariant, $"MatMul peak   {peak:F1} GFLOP/s ({peakSize}×{peakSize} float32 MatMul through ONNX Runtime, best run)"));
        output.WriteLine("batch  images/s  steps/s  image-steps/s  GFLOP/step  GFLOP/s  % of peak  build s");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(invariant, $"{r.BatchSize,5}  {r.ImagesPerSecond,8:F1}  {r.StepsPerSecond,7:F1}  {r.ImagesPerSecond * options.Steps,13:F0}  {r.StepGflop,10:F4}  {r.Gflops,7:F1}  {100 * r.Gflops / peak,9:F1}  {r.BuildSeconds,7:F2}"));
        }

        output.WriteLine(string.Create(invariant, $"Fastest       batch {report.FastestBatchSize} (use it as scan's --batch-size; memory grows with it)"));
        output.WriteLine($"Each row: the median of {repeats} full runs (reference pass and {options.Steps} steps over one batch of random images{(sessions.Count > 1 ? $" in each of {sessions.Count} sessions at once" : string.Empty)}), after a warm-up run; GFLOP counts Conv, ConvTranspose, Gemm and MatMul only.");
        return ExitCodes.Ok;
    }
}
