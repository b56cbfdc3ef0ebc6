using System.Diagnostics;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Benchmarking;

/// <summary>Times full CD runs of a model at several batch sizes on random images in [0,1], setup outside the timed region.</summary>
public static class CdBenchmark
{
    /// <summary>
    /// Measures each batch size: one warm-up run, then <paramref name="repeats"/> timed runs (median).
    /// With several sessions, each distils its own batch at the same time, and a run lasts until the
    /// last one finishes: the rates are for all sessions together.
    /// </summary>
    /// <param name="model">The classifier.</param>
    /// <param name="options">CD hyper-parameters (the step count matters).</param>
    /// <param name="imageDims">[N,C,H,W]; N does not matter.</param>
    /// <param name="sessions">Device and threads of each session (at least one).</param>
    /// <param name="batchSizes">The batch sizes to measure (per session).</param>
    /// <param name="repeats">Timed runs per batch size.</param>
    /// <param name="progress">Called with a line after each batch size.</param>
    /// <returns>The results and the providers that ran.</returns>
    public static (IReadOnlyList<CdBenchmarkResult> Results, string Provider) Run(OnnxModel model, CdOptions options, long[] imageDims, IReadOnlyList<ExecutionOptions> sessions, IReadOnlyList<int> batchSizes, int repeats, Action<CdBenchmarkResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(imageDims);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(batchSizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var results = new List<CdBenchmarkResult>();
        var provider = string.Empty;
        foreach (var batch in batchSizes)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
            long[] dims = [batch, imageDims[1], imageDims[2], imageDims[3]];
            var clock = Stopwatch.StartNew();
            using var distillers = new DistillerSet(sessions.Select(execution => (Func<CognitiveDistiller>)(() => CognitiveDistiller.Create(model, options, dims, execution, batch))));
            var build = clock.Elapsed.TotalSeconds;
            provider = distillers.Provider;
            var (stepFlops, referenceFlops) = Flops(distillers.First.Graphs, dims, sessions[0].ProbeMemory);
            var random = new Random(batch);
            var images = Enumerable.Range(0, (int)(dims[0] * dims[1] * dims[2] * dims[3])).Select(_ => (float)random.NextDouble()).ToArray();
            void RunAll() => distillers.Run(Enumerable.Range(0, distillers.Count), (distiller, _) => distiller.Distill(images, dims));
            RunAll();
            var times = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                clock.Restart();
                RunAll();
                times.Add(clock.Elapsed.TotalSeconds);
            }

            var seconds = Statistics.Median(times);
            var count = distillers.Count;
            var result = new CdBenchmarkResult(batch, build, seconds, repeats, stepFlops / 1e9, count * batch / seconds, count * options.Steps / seconds, count * ((stepFlops * options.Steps) + referenceFlops) / seconds / 1e9);
            results.Add(result);
            progress?.Invoke(result);
        }

        return (results, provider);
    }

    /// <summary>FLOPs of one step and of the reference pass at the batch of <paramref name="dims"/>.</summary>
    private static (double Step, double Reference) Flops(CdGraphs graphs, long[] dims, long probeMemory)
    {
        var stepShapes = ModelProbe.Run(graphs.Step, graphs.StepInputDims(dims), probeMemory);
        var referenceShapes = ModelProbe.Run(graphs.Reference, new Dictionary<string, long[]> { [graphs.Names.Image] = dims }, probeMemory);
        return (FlopCounter.Count(graphs.Step, stepShapes, dims[0]), FlopCounter.Count(graphs.Reference, referenceShapes, dims[0]));
    }
}
