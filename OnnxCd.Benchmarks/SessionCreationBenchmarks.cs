using BenchmarkDotNet.Attributes;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Benchmarks;

/// <summary>
/// What a scan pays once before its first batch, on the shipped model: building the CD graphs
/// (reference, objective, gradient, Adam), and that plus creating both ONNX Runtime sessions
/// (graph optimisation included) on the CPU.
/// </summary>
[MemoryDiagnoser]
public class SessionCreationBenchmarks
{
    private static readonly long[] s_dims = [64, 1, 28, 28];
    private OnnxModel _model = null!;

    [GlobalSetup]
    public void Setup() => _model = ShippedModel.LoadClean();

    [Benchmark]
    public CdGraphs BuildGraphs() => CdGraphBuilder.Build(_model, CdGraphBuilder.ModelShapes(_model, new CdOptions(), s_dims), new CdOptions());

    [Benchmark]
    public int BuildGraphsAndCreateSessions()
    {
        using var distiller = CognitiveDistiller.Create(_model, new CdOptions(), s_dims, new ExecutionOptions());
        return distiller.BatchSize;
    }
}
