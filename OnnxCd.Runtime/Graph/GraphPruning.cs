using Onnx;

namespace OnnxCd.Runtime.Graph;

/// <summary>Removes what the graph outputs do not need, and puts the remaining nodes in topological order.</summary>
internal static class GraphPruning
{
    /// <summary>
    /// Keeps only the nodes and initializers the graph outputs depend on; graph inputs are kept
    /// whether used or not, so the interface does not change. Nodes end up topologically sorted.
    /// <paramref name="outerScope"/> names what a Loop or If body may read from its enclosing graph.
    /// </summary>
    public static void Prune(GraphProto graph, IEnumerable<string>? outerScope = null)
    {
        var order = new GraphIndex(graph, outerScope).Order;
        var needed = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        foreach (var node in order.Reverse())
        {
            if (node.Output.Any(needed.Contains))
            {
                kept.Add(node);
                needed.UnionWith(node.Input.Where(i => i.Length > 0));
                needed.UnionWith(node.Attribute.Where(a => a.G is not null).SelectMany(a => a.G.Node.SelectMany(n => n.Input)));
            }
        }

        kept.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        var initializers = graph.Initializer.Where(i => needed.Contains(i.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(initializers);
        var valueInfo = graph.ValueInfo.Where(v => needed.Contains(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(valueInfo);
    }
}
