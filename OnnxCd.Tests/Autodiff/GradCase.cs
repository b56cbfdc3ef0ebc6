using Onnx;
using OnnxCd.Tests.TestSupport;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Autodiff;

/// <summary>
/// One numerical gradient check: a small graph (often a single node), the domain of each input,
/// and the tolerance. Every float graph input is differentiated; every float output gets a cotangent.
/// </summary>
internal sealed record GradCase(string Name, Func<TestGraph> Build, IReadOnlyDictionary<string, Sampler> Samplers, Tolerance Tol)
{
    public override string ToString() => Name;

    /// <summary>A single-node case: inputs are data (differentiated) or constants, in order.</summary>
    public static GradCase Op(string opType, In[] inputs, AttributeProto[]? attributes = null, Tolerance? tol = null, long opset = 17, DataType type = DataType.Float, int outputs = 1, string? note = null)
    {
        var samplers = new Dictionary<string, Sampler>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is In.Data data)
            {
                samplers[$"x{i}"] = data.Sampler ?? Sampler.Uniform(-2, 2);
            }
        }

        var shapes = string.Join(" ", inputs.Select(i => i.Describe()));
        var attrs = string.Join(" ", (attributes ?? []).Select(Describe));
        var name = $"{opType}-{opset} {shapes} {attrs} {note}".Trim();

        TestGraph Build()
        {
            var graph = new TestGraph(opset, type);
            var names = inputs.Select((input, i) => input switch
            {
                In.Data d => graph.Input($"x{i}", d.Dims, d.DynamicBatch),
                In.Constant c => graph.Constant(c.Values, c.Dims, c.Type ?? type),
                In.Absent => string.Empty,
                _ => throw new InvalidOperationException(),
            }).ToArray();
            foreach (var y in graph.NodeMulti(opType, names, outputs, attributes ?? []))
            {
                graph.Output(y);
            }

            return graph;
        }

        return new GradCase(name, Build, samplers, tol ?? (type == DataType.Double ? Tolerance.Smooth64 : Tolerance.Smooth32));
    }

    /// <summary>A multi-node case built by <paramref name="build"/>.</summary>
    public static GradCase Graph(string name, Func<TestGraph> build, Tolerance tol, params (string Input, Sampler Sampler)[] samplers) =>
        new(name, build, samplers.ToDictionary(s => s.Input, s => s.Sampler, StringComparer.Ordinal), tol);

    private static string Describe(AttributeProto a) => a.Type switch
    {
        AttributeProto.Types.AttributeType.Int => $"{a.Name}={a.I}",
        AttributeProto.Types.AttributeType.Float => $"{a.Name}={a.F}",
        AttributeProto.Types.AttributeType.String => $"{a.Name}={a.S.ToStringUtf8()}",
        AttributeProto.Types.AttributeType.Ints => $"{a.Name}=[{string.Join(",", a.Ints)}]",
        _ => a.Name,
    };
}

/// <summary>An input of a single-node case.</summary>
internal abstract record In
{
    public static In X(params long[] dims) => new Data(dims, null, false);

    public static In X(Sampler sampler, params long[] dims) => new Data(dims, sampler, false);

    /// <summary>A data input whose first axis is a symbolic batch axis, so the gradient graph must keep it dynamic.</summary>
    public static In Batched(params long[] dims) => new Data(dims, null, true);

    public static In Batched(Sampler sampler, params long[] dims) => new Data(dims, sampler, true);

    public static In Const(double[] values, long[] dims, DataType? type = null) => new Constant(values, dims, type);

    public static In Ints(params long[] values) => new Constant(values.Select(v => (double)v).ToArray(), [values.Length], DataType.Int64);

    public static In None { get; } = new Absent();

    public abstract string Describe();

    internal sealed record Data(long[] Dims, Sampler? Sampler, bool DynamicBatch) : In
    {
        public override string Describe() => (DynamicBatch ? "N" : string.Empty) + OnnxCd.Runtime.Graph.TensorShape.Format(Dims);
    }

    internal sealed record Constant(double[] Values, long[] Dims, DataType? Type) : In
    {
        public override string Describe() => Values.Length <= 6 ? $"const({string.Join(",", Values)})" : $"const{OnnxCd.Runtime.Graph.TensorShape.Format(Dims)}";
    }

    internal sealed record Absent : In
    {
        public override string Describe() => "-";
    }
}
