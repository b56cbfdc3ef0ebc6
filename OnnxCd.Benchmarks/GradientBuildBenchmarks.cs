using BenchmarkDotNet.Attributes;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Benchmarks;

/// <summary>Time to build the gradient graph of the shipped model (shape probe excluded), and of the probe itself.</summary>
[MemoryDiagnoser]
public class GradientBuildBenchmarks
{
    private OnnxModel _model = null!;
    private TensorShapes _shapes = null!;
    private Dictionary<string, long[]> _inputDims = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = ShippedModel.LoadClean();
        _inputDims = new() { ["input"] = [1, 1, 28, 28] };
        _shapes = ModelProbe.Run(_model, _inputDims);
    }

    [Benchmark]
    public GradientModel BuildGradient() => GradientBuilder.Build(_model, GradientRequest.Vjp("input", "logits"), _shapes);

    [Benchmark]
    public TensorShapes ProbeShapes() => ModelProbe.Run(_model, _inputDims);
}
