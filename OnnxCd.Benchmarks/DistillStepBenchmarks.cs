using BenchmarkDotNet.Attributes;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;

namespace OnnxCd.Benchmarks;

/// <summary>
/// CD on the shipped model on the CPU: one operation is a 20-step run over one batch (reference pass,
/// then 20 forward+backward+Adam steps), so image-steps/s = BatchSize × 20 / time. Graph building and
/// session creation are in setup.
/// </summary>
[MemoryDiagnoser]
public class DistillStepBenchmarks
{
    private const int Steps = 20;
    private CognitiveDistiller _distiller = null!;
    private float[] _images = null!;

    [Params(1, 16, 64)]
    public int BatchSize { get; set; }

    [Params(CdMode.Logits, CdMode.Features)]
    public CdMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = ShippedModel.LoadClean();
        _distiller = CognitiveDistiller.Create(model, new CdOptions { Mode = Mode, Steps = Steps }, [BatchSize, 1, 28, 28], new ExecutionOptions(), BatchSize);
        var random = new Random(0);
        _images = Enumerable.Range(0, BatchSize * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _distiller.Dispose();

    [Benchmark]
    public CdResult ImageSteps() => _distiller.Distill(_images, [BatchSize, 1, 28, 28]);
}
