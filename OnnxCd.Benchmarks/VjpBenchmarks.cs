using BenchmarkDotNet.Attributes;
using OnnxCd.Runtime.Execution;

namespace OnnxCd.Benchmarks;

/// <summary>One forward+backward run (Jᵀ·c) of the shipped model on the CPU, per batch size; session creation is in setup.</summary>
[MemoryDiagnoser]
public class VjpBenchmarks
{
    private VjpSession _session = null!;
    private float[] _x = null!;
    private float[] _cotangent = null!;

    [Params(1, 16, 64)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = ShippedModel.LoadClean();
        _session = VjpSession.Create(model, [BatchSize, 1, 28, 28], "logits", new ExecutionOptions());
        var random = new Random(0);
        _x = Enumerable.Range(0, BatchSize * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray();
        _cotangent = Enumerable.Range(0, BatchSize * 10).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark]
    public float[] InputGradient() => _session.RunBatch(_x, [BatchSize, 1, 28, 28], _cotangent, [BatchSize, 10]);
}
