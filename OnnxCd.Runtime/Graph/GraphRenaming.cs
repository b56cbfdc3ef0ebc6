using Onnx;

namespace OnnxCd.Runtime.Graph;

/// <summary>Renames every tensor and node of a graph (subgraphs included) through one mapping.</summary>
internal static class GraphRenaming
{
    /// <summary>
    /// Applies <paramref name="map"/> to every tensor name (node inputs and outputs, graph inputs and
    /// outputs, initializers, value_info), in subgraphs too, and <paramref name="nodePrefix"/> to node
    /// names. The empty name (an omitted optional input) is kept. The mapping must be one-to-one on the
    /// names it sees, or distinct tensors would merge.
    /// </summary>
    public static void Rename(GraphProto graph, Func<string, string> map, string nodePrefix)
    {
        string Map(string name) => name.Length == 0 ? name : map(name);

        foreach (var node in graph.Node)
        {
            node.Name = nodePrefix + node.Name;
            for (var i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = Map(node.Input[i]);
            }

            for (var i = 0; i < node.Output.Count; i++)
            {
                node.Output[i] = Map(node.Output[i]);
            }

            foreach (var attribute in node.Attribute)
            {
                if (attribute.G is { } subgraph)
                {
                    Rename(subgraph, map, nodePrefix);
                }

                foreach (var g in attribute.Graphs)
                {
                    Rename(g, map, nodePrefix);
                }
            }
        }

        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            value.Name = Map(value.Name);
        }

        foreach (var initializer in graph.Initializer)
        {
            initializer.Name = Map(initializer.Name);
        }
    }
}
