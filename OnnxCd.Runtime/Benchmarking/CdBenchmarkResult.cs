
namespace OnnxCd.Runtime.Benchmarking;

/// <summary>One batch size's measurement of a full CD run.</summary>
/// <param name="BatchSize">Images per run.</param>
/// <param name="BuildSeconds">Graph building and session creation.</param>
/// <param name="Seconds">The median time of a full run over one batch (reference pass and every step).</param>
/// <param name="Repeats">How many timed runs the median is over (after one warm-up run).</param>
/// <param name="StepGflop">GFLOP of one step at this batch size (matrix work, <see cref="FlopCounter"/>).</param>
/// <param name="ImagesPerSecond">Images distilled per second.</param>
/// <param name="StepsPerSecond">Step-graph runs per second (all sessions together).</param>
/// <param name="Gflops">Effective GFLOP/s of the run.</param>
public sealed record CdBenchmarkResult(int BatchSize, double BuildSeconds, double Seconds, int Repeats, double StepGflop, double ImagesPerSecond, double StepsPerSecond, double Gflops);
