using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using OnnxCd.Runtime.Compilation;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Compilation;

public sealed class SeededNoiseGraphTests
{
    [Fact]
    public void Colours_FollowTheDocumentedFormula_AndLookUniform()
    {
        long[] seeds = [.. Enumerable.Range(0, 500).Select(i => (long)i), -7, long.MaxValue, SeededNoiseGraph.Modulus];
        using var session = new InferenceSession(ProbeModel(channels: 3).ToBytes());
        var colours = new List<float>();
        foreach (var step in new long[] { 0, 1, 99 })
        {
            using var results = session.Run([
                NamedOnnxValue.CreateFromTensor("seed", new DenseTensor<long>(seeds, [seeds.Length])),
                NamedOnnxValue.CreateFromTensor("step", new DenseTensor<long>(new[] { step }, []))]);
            var values = results[0].AsTensor<float>().ToArray();
            for (var i = 0; i < seeds.Length; i++)
            {
                for (var c = 0; c < 3; c++)
                {
                    Assert.Equal(CompiledColours.Colour(seeds[i], step, c), values[(i * 3) + c]);
                }
            }

            colours.AddRange(values.Take(500 * 3));
        }

        // 4,500 colours: mean 1/2 and variance 1/12 within about 4 standard errors; neighbours uncorrelated.
        var mean = colours.Average();
        var variance = colours.Average(v => (v - mean) * (v - mean));
        var lag = Enumerable.Range(0, colours.Count - 3).Average(i => (colours[i] - mean) * (colours[i + 3] - mean)) / variance;
        Assert.InRange(mean, 0.5 - 0.02, 0.5 + 0.02);
        Assert.InRange(variance, (1.0 / 12) - 0.006, (1.0 / 12) + 0.006);
        Assert.InRange(lag, -0.06, 0.06);
        Assert.All(colours, v => Assert.InRange(v, 0f, 0.99999995f));
    }

    private static OnnxModel ProbeModel(long channels)
    {
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "noise" } };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        proto.Graph.Input.Add(ValueInfos.Create("seed", new TensorInfo(DataType.Int64, new TensorShape([TensorShape.Dynamic])), "batch"));
        proto.Graph.Input.Add(ValueInfos.Create("step", new TensorInfo(DataType.Int64, new TensorShape([])), "batch"));
        var e = new GraphEmitter(proto.Graph, 17);
        var colours = SeededNoiseGraph.Emit(e, new TensorRef("seed", DataType.Int64, new TensorShape([TensorShape.Dynamic])), new TensorRef("step", DataType.Int64, new TensorShape([])), channels);
        proto.Graph.Output.Add(ValueInfos.Create(colours.Name, new TensorInfo(DataType.Float, colours.KnownShape), "batch"));
        return OnnxModel.Wrap(proto, "noise probe");
    }
}
