using Onnx;

namespace OnnxCd.Runtime.Graph;

/// <summary>
/// A read-only index of one graph: which node produces and which nodes consume each tensor, the
/// initializers and constants, and a topological order of the nodes.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _dataDependence = new(StringComparer.Ordinal);

    /// <param name="graph">The graph.</param>
    /// <param name="outerScope">Names the graph may read from an enclosing graph (when it is a Loop or If body).</param>
    public GraphIndex(GraphProto graph, IEnumerable<string>? outerScope = null)
    {
        Graph = graph;
        foreach (var tensor in graph.Initializer)
        {
            _initializers[tensor.Name] = tensor;
        }

        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output.Where(o => o.Length > 0))
            {
                _producers[output] = node;
            }

            foreach (var input in node.Input.Where(i => i.Length > 0).Distinct())
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        Order = TopologicalOrder(graph, outerScope ?? []);
        foreach (var node in Order)
        {
            var dependent = node.OpType is not ("Shape" or "Size" or "Constant")
                && node.Input.Where(i => i.Length > 0).Concat(OuterScopeInputs(node)).Any(DependsOnInputData);
            foreach (var output in node.Output.Where(o => o.Length > 0))
            {
                _dataDependence[output] = dependent;
            }
        }
    }

    public GraphProto Graph { get; }

    /// <summary>The nodes in an order where every node comes after the producers of its inputs.</summary>
    public IReadOnlyList<NodeProto> Order { get; }

    public NodeProto? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    public IReadOnlyList<NodeProto> Consumers(string tensor) => _consumers.TryGetValue(tensor, out var list) ? list : [];

    public bool IsInitializer(string tensor) => _initializers.ContainsKey(tensor);

    /// <summary>The value of a tensor fixed at build time: an initializer or the output of a Constant node.</summary>
    public TensorProto? ConstantValue(string tensor)
    {
        if (_initializers.TryGetValue(tensor, out var initializer))
        {
            return initializer;
        }

        var producer = Producer(tensor);
        if (producer is { OpType: "Constant", Domain: "" or "ai.onnx" })
        {
            return ConstantNodes.Value(producer);
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="tensor"/> is computed from graph-input data, rather than from
    /// initializers, constants and tensor shapes alone (Shape and Size read no data).
    /// </summary>
    public bool DependsOnInputData(string tensor) =>
        _dataDependence.TryGetValue(tensor, out var dependent) ? dependent : !IsInitializer(tensor);

    /// <summary>A display name for a node: its name, or its op type and first output when it has none.</summary>
    public static string NodeLabel(NodeProto node) =>
        node.Name.Length > 0 ? node.Name : $"{node.OpType}->{node.Output.FirstOrDefault() ?? "?"}";

    private static List<NodeProto> TopologicalOrder(GraphProto graph, IEnumerable<string> outerScope)
    {
        var available = new HashSet<string>(StringComparer.Ordinal) { string.Empty };
        available.UnionWith(graph.Input.Select(i => i.Name));
        available.UnionWith(graph.Initializer.Select(i => i.Name));
        available.UnionWith(outerScope);
        var producedBy = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 0; n < graph.Node.Count; n++)
        {
            foreach (var output in graph.Node[n].Output.Where(o => o.Length > 0))
            {
                producedBy[output] = n;
            }
        }

        // Kahn's algorithm over node indices; ties keep the file order.
        var waitingOn = new int[graph.Node.Count];
        var dependents = new List<int>[graph.Node.Count];
        for (var n = 0; n < graph.Node.Count; n++)
        {
            dependents[n] = [];
        }

        for (var n = 0; n < graph.Node.Count; n++)
        {
            foreach (var input in graph.Node[n].Input.Concat(OuterScopeInputs(graph.Node[n])).Distinct())
            {
                if (available.Contains(input))
                {
                    continue;
                }

                if (!producedBy.TryGetValue(input, out var producer))
                {
                    throw new ModelException($"Node '{NodeLabel(graph.Node[n])}' ({graph.Node[n].OpType}) reads '{input}', which no node, input or initializer provides.");
                }

                waitingOn[n]++;
                dependents[producer].Add(n);
            }
        }

        var ready = new PriorityQueue<int, int>();
        for (var n = 0; n < graph.Node.Count; n++)
        {
            if (waitingOn[n] == 0)
            {
                ready.Enqueue(n, n);
            }
        }

        var order = new List<NodeProto>(graph.Node.Count);
        while (ready.TryDequeue(out var n, out _))
        {
            order.Add(graph.Node[n]);
            foreach (var d in dependents[n])
            {
                if (--waitingOn[d] == 0)
                {
                    ready.Enqueue(d, d);
                }
            }
        }

        if (order.Count != graph.Node.Count)
        {
            var stuck = graph.Node.First(node => !order.Contains(node));
            throw new ModelException($"The graph has a cycle through node '{NodeLabel(stuck)}' ({stuck.OpType}).");
        }

        return order;
    }

    /// <summary>Tensors of the outer graph that a control-flow node's subgraphs read implicitly.</summary>
    private static IEnumerable<string> OuterScopeInputs(NodeProto node)
    {
        foreach (var attribute in node.Attribute.Where(a => a.G is not null))
        {
            var inner = new HashSet<string>(StringComparer.Ordinal);
            inner.UnionWith(attribute.G.Input.Select(i => i.Name));
            inner.UnionWith(attribute.G.Initializer.Select(i => i.Name));
            inner.UnionWith(attribute.G.Node.SelectMany(n => n.Output));
            foreach (var name in attribute.G.Node.SelectMany(n => n.Input).Where(i => i.Length > 0 && !inner.Contains(i)))
            {
                yield return name;
            }
        }
    }
}
