using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Benchmarking;

/// <summary>The machine's float32 matrix-multiply rate through ONNX Runtime: one MatMul of two square matrices, timed.</summary>
public static class MatMulPeak
{
    /// <summary>GFLOP/s of an n×n by n×n MatMul (2n³ FLOPs a run) with the given execution options, the best of runs lasting about <paramref name="seconds"/> in all.</summary>
    public static double Measure(ExecutionOptions execution, int size = 1024, double seconds = 1.0)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "matmul_peak" } };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        var square = new TensorInfo(DataType.Float, new TensorShape([size, size]));
        proto.Graph.Input.Add(ValueInfos.Create("a", square, "n"));
        proto.Graph.Input.Add(ValueInfos.Create("b", square, "n"));
        proto.Graph.Output.Add(ValueInfos.Create("c", square, "n"));
        var node = new NodeProto { OpType = "MatMul", Name = "matmul" };
        node.Input.Add("a");
        node.Input.Add("b");
        node.Output.Add("c");
        proto.Graph.Node.Add(node);

        var created = SessionFactory.Create(OnnxModel.Wrap(proto, "MatMul peak").ToBytes(), execution, "MatMul peak");
        using var session = created.Session;
        var random = new Random(0);
        var values = Enumerable.Range(0, size * size).Select(_ => (float)random.NextDouble()).ToArray();
        using var a = OrtValue.CreateTensorValueFromMemory(values, [size, size]);
        using var b = OrtValue.CreateTensorValueFromMemory((float[])values.Clone(), [size, size]);
        using var c = OrtValue.CreateTensorValueFromMemory(new float[size * size], [size, size]);
        using var runOptions = new RunOptions();
        session.Run(runOptions, ["a", "b"], [a, b], ["c"], [c]);

        var best = double.MaxValue;
        var clock = Stopwatch.StartNew();
        do
        {
            var start = clock.Elapsed.TotalSeconds;
            session.Run(runOptions, ["a", "b"], [a, b], ["c"], [c]);
            best = Math.Min(best, clock.Elapsed.TotalSeconds - start);
        }
        while (clock.Elapsed.TotalSeconds < seconds);

        return 2.0 * size * size * size / best / 1e9;
    }
}
