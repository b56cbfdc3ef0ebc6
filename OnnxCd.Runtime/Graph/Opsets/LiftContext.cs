using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Graph.Opsets;

/// <summary>
/// What a node translation may read and add while a graph is lifted: the model's opset before the
/// lift, new tensor names, constants (added as initializers), the constant value of an input, and the
/// rank of a tensor where the file declares one.
/// </summary>
internal sealed class LiftContext
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _names;
    private readonly Dictionary<string, TensorProto> _constants;
    private readonly Dictionary<string, int> _ranks;
    private readonly Dictionary<string, DataType> _types;
    private readonly Dictionary<string, NodeProto> _producers;

    public LiftContext(GraphProto graph, long opset, string description)
    {
        _graph = graph;
        Opset = opset;
        Description = description;
        _names = graph.Node.SelectMany(n => n.Output.Concat(n.Input)).Concat(graph.Initializer.Select(i => i.Name))
            .Concat(graph.Input.Select(i => i.Name)).Concat(graph.Node.Select(n => n.Name)).ToHashSet(StringComparer.Ordinal);
        _constants = graph.Initializer.GroupBy(i => i.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && n.Domain is "" or "ai.onnx" && n.Output.Count > 0))
        {
            if (ConstantNodes.Value(node) is { } value)
            {
                _constants[node.Output[0]] = value;
            }
        }

        var declared = graph.Input.Concat(graph.Output).Concat(graph.ValueInfo)
            .Where(v => v.Type?.TensorType is not null)
            .GroupBy(v => v.Name)
            .Select(g => (g.Key, Tensor: g.First().Type.TensorType))
            .ToList();
        _ranks = declared.Where(d => d.Tensor.Shape is not null).ToDictionary(d => d.Key, d => d.Tensor.Shape.Dim.Count, StringComparer.Ordinal);
        _types = declared.Where(d => d.Tensor.ElemType > 0).ToDictionary(d => d.Key, d => (DataType)d.Tensor.ElemType, StringComparer.Ordinal);
        foreach (var (name, value) in _constants)
        {
            _ranks[name] = value.Dims.Count;
            _types[name] = (DataType)value.DataType;
        }

        _producers = graph.Node.SelectMany(n => n.Output.Where(o => o.Length > 0).Select(o => (o, n)))
            .GroupBy(p => p.o).ToDictionary(g => g.Key, g => g.First().n, StringComparer.Ordinal);
    }

    /// <summary>The default-domain opset the model declared.</summary>
    public long Opset { get; }

    /// <summary>Where the model came from, for messages.</summary>
    public string Description { get; }

    /// <summary>A tensor or node name not yet used in the graph, built from <paramref name="hint"/>.</summary>
    public string NewName(string hint)
    {
        var name = hint;
        for (var i = 1; !_names.Add(name); i++)
        {
            name = $"{hint}_{i}";
        }

        return name;
    }

    /// <summary>Adds <paramref name="tensor"/> as an initializer under a new name and returns the name.</summary>
    public string Constant(string hint, TensorProto tensor)
    {
        tensor.Name = NewName(hint);
        _graph.Initializer.Add(tensor);
        _constants[tensor.Name] = tensor;
        return tensor.Name;
    }

    /// <summary>An int64 vector constant (for axes, pads, starts and ends).</summary>
    public string Ints(string hint, IEnumerable<long> values) => Constant(hint, Tensors.Ints(values.ToArray()));

    /// <summary>A constant of <paramref name="values"/> with <paramref name="dims"/>, of the element type of <paramref name="like"/>.</summary>
    public string Like(string hint, double[] values, long[] dims, string like) => Constant(hint, Tensors.Create(values, dims, TypeOf(like)));

    /// <summary>
    /// The element type of <paramref name="name"/>: declared (inputs, outputs, value_info, constants) or
    /// followed back through its producer. Ops that set their own output type (Cast, Shape, ArgMax, …)
    /// say it; the others keep the type of their first input, as every op a lifted form needs a constant
    /// beside (Pad, Clip, the removed experimental ops) reads a tensor of that kind. Float where the
    /// chain ends undeclared.
    /// </summary>
    public DataType TypeOf(string name)
    {
        for (var depth = 0; depth < 10_000; depth++)
        {
            if (_types.TryGetValue(name, out var type))
            {
                return type;
            }

            if (!_producers.TryGetValue(name, out var node) || node.Input.Count == 0)
            {
                break;
            }

            switch (node.OpType)
            {
                case "Cast":
                    return (DataType)Attributes.GetInt(node, "to", (long)DataType.Float);
                case "Shape" or "Size" or "ArgMax" or "ArgMin" or "NonZero":
                case "TopK" or "MaxPool" when node.Output[0] != name:
                    return DataType.Int64;
            }

            name = node.Input[0];
        }

        return DataType.Float;
    }

    /// <summary>The value of <paramref name="name"/> when it is an initializer or a Constant node's output; null otherwise.</summary>
    public TensorProto? ConstantValue(string name) => _constants.GetValueOrDefault(name);

    /// <summary>The rank of <paramref name="name"/> where the file declares it (graph inputs, outputs, value_info, initializers); null otherwise.</summary>
    public int? RankOf(string name) => _ranks.TryGetValue(name, out var rank) ? rank : null;

    /// <summary>A default-domain node named after <paramref name="hint"/>.</summary>
    public NodeProto Node(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, string hint, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = NewName(hint) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>The error for a node the lift cannot carry to the target opset, naming it and what would be valid.</summary>
    public ModelException Refuse(NodeProto node, string why) =>
        new($"Model '{Description}' (opset {Opset}): node {GraphIndex.NodeLabel(node)}: {why}");
}
