using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Graph;

/// <summary>
/// Appends typed nodes to a graph: each method emits one standard ONNX node (or a constant
/// initializer) with a unique name under <see cref="Scope"/> and returns its output. Shapes are
/// propagated where they follow from the inputs, so callers can reason about broadcasting.
/// Op forms follow <see cref="Opset"/> (axes as attributes before opset 13, as inputs from 13).
/// </summary>
internal sealed class GraphEmitter
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorRef> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorInfo> _emitted = new(StringComparer.Ordinal);

    public GraphEmitter(GraphProto graph, long opset)
    {
        _graph = graph;
        Opset = opset;
        _names.UnionWith(graph.Input.Select(i => i.Name));
        _names.UnionWith(graph.Output.Select(o => o.Name));
        _names.UnionWith(graph.Initializer.Select(i => i.Name));
        _names.UnionWith(graph.ValueInfo.Select(v => v.Name));
        _names.UnionWith(graph.Node.Select(n => n.Name));
        _names.UnionWith(graph.Node.SelectMany(n => n.Output));
    }

    /// <summary>The opset of the default domain that emitted nodes must be valid at.</summary>
    public long Opset { get; }

    /// <summary>The prefix of emitted node and tensor names, for example <c>Conv_3_Grad/</c>.</summary>
    public string Scope { get; set; } = "OnnxCd/";

    /// <summary>Returns <paramref name="hint"/>, or it with a numeric suffix, so that it is unused; reserves it.</summary>
    public string UniqueName(string hint)
    {
        var name = hint;
        for (var k = 1; !_names.Add(name); k++)
        {
            name = $"{hint}_{k}";
        }

        return name;
    }

    /// <summary>The element type and shape of every tensor emitted so far whose shape the emitter knows.</summary>
    public IReadOnlyDictionary<string, TensorInfo> Emitted => _emitted;

    /// <summary>Marks <paramref name="names"/> as taken, for example the names a subgraph must not shadow.</summary>
    public void Reserve(IEnumerable<string> names) => _names.UnionWith(names);

    // ---- generic emission -------------------------------------------------------------------

    public TensorRef Op(string opType, IReadOnlyList<TensorRef?> inputs, DataType type, TensorShape? shape, params AttributeProto[] attributes) =>
        OpMulti(opType, inputs, [(type, shape)], attributes)[0];

    public IReadOnlyList<TensorRef> OpMulti(string opType, IReadOnlyList<TensorRef?> inputs, IReadOnlyList<(DataType Type, TensorShape? Shape)> outputs, params AttributeProto[] attributes)
    {
        var name = UniqueName(Scope + opType);
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs.Select(i => i?.Name ?? string.Empty));
        var results = new List<TensorRef>(outputs.Count);
        for (var k = 0; k < outputs.Count; k++)
        {
            var output = k == 0 ? name : UniqueName($"{name}:{k}");
            node.Output.Add(output);
            results.Add(Record(new TensorRef(output, outputs[k].Type, outputs[k].Shape)));
        }

        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return results;
    }

    /// <summary>Copies <paramref name="x"/> to a tensor named <paramref name="hint"/> (suffixed if taken) and returns it.</summary>
    public TensorRef Rename(TensorRef x, string hint)
    {
        var name = UniqueName(hint);
        var node = new NodeProto { OpType = "Identity", Name = UniqueName(Scope + "Identity") };
        node.Input.Add(x.Name);
        node.Output.Add(name);
        _graph.Node.Add(node);
        return Record(x with { Name = name });
    }

    /// <summary>Emits Identity(<paramref name="x"/>) writing to <paramref name="name"/>, a tensor the graph reads but nothing produces (a former graph input).</summary>
    public void Feed(TensorRef x, string name)
    {
        var node = new NodeProto { OpType = "Identity", Name = UniqueName(Scope + "Identity") };
        node.Input.Add(x.Name);
        node.Output.Add(name);
        _graph.Node.Add(node);
    }

    // ---- constants ----------------------------------------------------------------------------

    public TensorRef Scalar(double value, DataType type) => Constant([value], [], type);

    public TensorRef Ints(params long[] values)
    {
        var key = "i64:" + string.Join(",", values);
        if (!_constants.TryGetValue(key, out var constant))
        {
            var tensor = Tensors.Ints(values);
            tensor.Name = UniqueName("OnnxCd/const");
            _graph.Initializer.Add(tensor);
            _constants[key] = constant = Record(new TensorRef(tensor.Name, DataType.Int64, new TensorShape([values.Length])));
        }

        return constant;
    }

    public TensorRef Constant(double[] values, long[] dims, DataType type)
    {
        var key = $"{type}:{string.Join(",", dims)}:{string.Join(",", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}";
        if (!_constants.TryGetValue(key, out var constant))
        {
            var tensor = Tensors.Create(values, dims, type);
            tensor.Name = UniqueName("OnnxCd/const");
            _graph.Initializer.Add(tensor);
            _constants[key] = constant = Record(new TensorRef(tensor.Name, type, new TensorShape(dims)));
        }

        return constant;
    }

    private TensorRef Record(TensorRef x)
    {
        if (x.Shape is { } shape)
        {
            _emitted[x.Name] = new TensorInfo(x.ElementType, shape);
        }

        return x;
    }

    // ---- element-wise -------------------------------------------------------------------------

    public TensorRef Add(TensorRef a, TensorRef b) => Binary("Add", a, b);

    public TensorRef Sub(TensorRef a, TensorRef b) => Binary("Sub", a, b);

    public TensorRef Mul(TensorRef a, TensorRef b) => Binary("Mul", a, b);

    public TensorRef Div(TensorRef a, TensorRef b) => Binary("Div", a, b);

    public TensorRef Pow(TensorRef a, TensorRef b) => Binary("Pow", a, b);

    public TensorRef Mul(TensorRef a, double b) => Mul(a, Scalar(b, a.ElementType));

    public TensorRef Neg(TensorRef x) => Unary("Neg", x);

    public TensorRef Abs(TensorRef x) => Unary("Abs", x);

    public TensorRef Exp(TensorRef x) => Unary("Exp", x);

    public TensorRef Sqrt(TensorRef x) => Unary("Sqrt", x);

    public TensorRef Sigmoid(TensorRef x) => Unary("Sigmoid", x);

    public TensorRef Tanh(TensorRef x) => Unary("Tanh", x);

    public TensorRef Erf(TensorRef x) => Unary("Erf", x);

    public TensorRef Sign(TensorRef x) => Unary("Sign", x);

    public TensorRef Greater(TensorRef a, TensorRef b) => Compare("Greater", a, b);

    public TensorRef Less(TensorRef a, TensorRef b) => Compare("Less", a, b);

    public TensorRef LessOrEqual(TensorRef a, TensorRef b) => Compare("LessOrEqual", a, b);

    public TensorRef Equal(TensorRef a, TensorRef b) => Compare("Equal", a, b);

    public TensorRef And(TensorRef a, TensorRef b) => Compare("And", a, b);

    /// <summary>where(condition, a, b), broadcasting all three.</summary>
    public TensorRef Where(TensorRef condition, TensorRef a, TensorRef b) =>
        Op("Where", [condition, a, b], a.ElementType, BroadcastShape(BroadcastShape(condition.Shape, a.Shape), b.Shape));

    public TensorRef Cast(TensorRef x, DataType to) => Op("Cast", [x], to, x.Shape, Attributes.Int("to", (long)to));

    /// <summary>The element-wise sum of one or more tensors of the same type.</summary>
    public TensorRef Sum(IReadOnlyList<TensorRef> terms) => terms.Count == 1
        ? terms[0]
        : Op("Sum", terms, terms[0].ElementType, terms.Select(t => t.Shape).Aggregate(BroadcastShape));

    // ---- shapes -------------------------------------------------------------------------------

    public TensorRef Shape(TensorRef x) => Op("Shape", [x], DataType.Int64, x.Shape is null ? null : new TensorShape([x.Shape.Rank]));

    public TensorRef Size(TensorRef x) => Op("Size", [x], DataType.Int64, new TensorShape([]));

    /// <summary>The shape of <paramref name="x"/> as a 1-D int64 tensor: a constant when static, else a Shape node.</summary>
    public TensorRef ShapeOf(TensorRef x) => x.Shape is { IsStatic: true } s ? Ints(s.ToArray()) : Shape(x);

    public TensorRef Reshape(TensorRef x, TensorRef shape, TensorShape? outShape) => Op("Reshape", [x, shape], x.ElementType, outShape);

    /// <summary>
    /// Reshapes <paramref name="x"/> to <paramref name="target"/>: a constant shape (with -1 for at most
    /// one dynamic dimension), or the run-time shape of <paramref name="like"/> when several are dynamic.
    /// </summary>
    public TensorRef ReshapeTo(TensorRef x, TensorShape target, TensorRef? like = null)
    {
        if (x.Shape is not null && x.Shape.Equals(target))
        {
            return x;
        }

        if (target.DynamicCount <= 1)
        {
            return Reshape(x, Ints(target.ToArray()), target);
        }

        var source = like ?? throw new InvalidOperationException($"Reshaping {x} to {target} needs a tensor of that shape: it has several dynamic dimensions.");
        return Reshape(x, Shape(source), target);
    }

    public TensorRef Expand(TensorRef x, TensorRef shape, TensorShape? outShape) => Op("Expand", [x, shape], x.ElementType, outShape);

    public TensorRef Transpose(TensorRef x, long[] perm) =>
        Op("Transpose", [x], x.ElementType, x.Shape is null ? null : new TensorShape(perm.Select(p => x.Shape[(int)p])), Attributes.Ints("perm", perm));

    public TensorRef Slice(TensorRef x, long[] starts, long[] ends, long[] axes, long[]? steps, TensorShape? outShape)
    {
        var inputs = new List<TensorRef?> { x, Ints(starts), Ints(ends), Ints(axes) };
        if (steps is not null)
        {
            inputs.Add(Ints(steps));
        }

        return Op("Slice", inputs, x.ElementType, outShape);
    }

    /// <summary>Constant zero padding; <paramref name="pads"/> is [begin_0.., end_0..] over all axes.</summary>
    public TensorRef Pad(TensorRef x, long[] pads, TensorShape? outShape) => Op("Pad", [x, Ints(pads)], x.ElementType, outShape);

    public TensorRef Concat(IReadOnlyList<TensorRef> parts, long axis, TensorShape? outShape) =>
        Op("Concat", parts, parts[0].ElementType, outShape, Attributes.Int("axis", axis));

    public TensorRef Unsqueeze(TensorRef x, long[] axes, TensorShape? outShape) => Op("Unsqueeze", [x, Ints(axes)], x.ElementType, outShape);

    public TensorRef Squeeze(TensorRef x, long[] axes, TensorShape? outShape) => Op("Squeeze", [x, Ints(axes)], x.ElementType, outShape);

    /// <summary>ReduceSum over <paramref name="axes"/> (must be non-empty: an empty list would reduce every axis).</summary>
    public TensorRef ReduceSum(TensorRef x, long[] axes, bool keepDims) => Reduce("ReduceSum", x, axes, keepDims);

    /// <summary>The first opset at which reduction <paramref name="opType"/> takes its axes as an input (an attribute before): 13 for ReduceSum, 18 for the others.</summary>
    public static long ReduceAxesInputOpset(string opType) => opType == "ReduceSum" ? 13 : 18;

    /// <summary>
    /// The reduction <paramref name="opType"/> (ReduceSum, ReduceProd, …) over <paramref name="axes"/>, which
    /// must be non-empty (an empty list would reduce every axis), with the axes in the form of the opset
    /// (<see cref="ReduceAxesInputOpset"/>).
    /// </summary>
    public TensorRef Reduce(string opType, TensorRef x, long[] axes, bool keepDims)
    {
        if (axes.Length == 0)
        {
            throw new ArgumentException($"{opType} with no axes reduces every axis; pass the axes explicitly.", nameof(axes));
        }

        TensorShape? shape = null;
        if (x.Shape is not null)
        {
            var reduced = axes.Select(a => x.Shape.Axis(a)).ToHashSet();
            shape = new TensorShape(Enumerable.Range(0, x.Shape.Rank)
                .Where(i => keepDims || !reduced.Contains(i))
                .Select(i => reduced.Contains(i) ? 1 : x.Shape[i]));
        }

        var keep = Attributes.Int("keepdims", keepDims ? 1 : 0);
        return Opset >= ReduceAxesInputOpset(opType)
            ? Op(opType, [x, Ints(axes)], x.ElementType, shape, keep)
            : Op(opType, [x], x.ElementType, shape, Attributes.Ints("axes", axes), keep);
    }

    // ---- linear algebra and scatter -----------------------------------------------------------

    public TensorRef MatMul(TensorRef a, TensorRef b, TensorShape? outShape) => Op("MatMul", [a, b], a.ElementType, outShape);

    public TensorRef Gemm(TensorRef a, TensorRef b, double alpha, bool transA, bool transB, TensorShape? outShape) =>
        Op("Gemm", [a, b], a.ElementType, outShape, Attributes.Float("alpha", alpha), Attributes.Int("transA", transA ? 1 : 0), Attributes.Int("transB", transB ? 1 : 0));

    public TensorRef ScatterElements(TensorRef data, TensorRef indices, TensorRef updates, long axis, string? reduction)
    {
        var attributes = new List<AttributeProto> { Attributes.Int("axis", axis) };
        if (reduction is not null)
        {
            attributes.Add(Attributes.String("reduction", reduction));
        }

        return Op("ScatterElements", [data, indices, updates], data.ElementType, data.Shape, [.. attributes]);
    }

    // ---- helpers ------------------------------------------------------------------------------

    public static TensorShape? BroadcastShape(TensorShape? a, TensorShape? b) =>
        a is null || b is null ? null : TensorShape.Broadcast(a, b);

    private TensorRef Unary(string opType, TensorRef x) => Op(opType, [x], x.ElementType, x.Shape);

    private TensorRef Binary(string opType, TensorRef a, TensorRef b) => Op(opType, [a, b], a.ElementType, BroadcastShape(a.Shape, b.Shape));

    private TensorRef Compare(string opType, TensorRef a, TensorRef b) => Op(opType, [a, b], DataType.Bool, BroadcastShape(a.Shape, b.Shape));
}
