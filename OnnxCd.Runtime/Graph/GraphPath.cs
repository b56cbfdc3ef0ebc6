using Onnx;

namespace OnnxCd.Runtime.Graph;

/// <summary>
/// The part of a graph that lies between a set of source tensors and a set of target tensors,
/// following floating-point tensors only: the nodes that read a tensor depending on a source and
/// write a tensor that a target depends on. Integer and boolean tensors (shapes, indices, masks)
/// never belong to the path.
/// </summary>
internal sealed class GraphPath
{
    private readonly HashSet<string> _tensors;

    private GraphPath(IReadOnlyList<NodeProto> nodes, HashSet<string> tensors)
    {
        Nodes = nodes;
        _tensors = tensors;
    }

    /// <summary>The nodes on the path, in topological order.</summary>
    public IReadOnlyList<NodeProto> Nodes { get; }

    /// <summary>Whether <paramref name="tensor"/> depends on a source and feeds a target.</summary>
    public bool Contains(string tensor) => _tensors.Contains(tensor);

    public static GraphPath Between(GraphIndex index, TensorShapes shapes, IEnumerable<string> sources, IEnumerable<string> targets)
    {
        bool IsFloat(string tensor) => tensor.Length > 0 && shapes.Find(tensor) is { IsFloat: true };

        var dependsOnSource = sources.Where(IsFloat).ToHashSet(StringComparer.Ordinal);
        var frontier = new Queue<string>(dependsOnSource);
        while (frontier.TryDequeue(out var tensor))
        {
            foreach (var output in index.Consumers(tensor).SelectMany(n => n.Output).Where(IsFloat))
            {
                if (dependsOnSource.Add(output))
                {
                    frontier.Enqueue(output);
                }
            }
        }

        var feedsTarget = targets.ToHashSet(StringComparer.Ordinal);
        var nodes = new List<NodeProto>();
        foreach (var node in index.Order.Reverse())
        {
            if (node.Output.Any(o => feedsTarget.Contains(o) && dependsOnSource.Contains(o)) && node.Input.Any(dependsOnSource.Contains))
            {
                nodes.Add(node);
                feedsTarget.UnionWith(node.Input.Where(dependsOnSource.Contains));
            }
        }

        nodes.Reverse();
        feedsTarget.IntersectWith(dependsOnSource);
        return new GraphPath(nodes, feedsTarget);
    }
}
