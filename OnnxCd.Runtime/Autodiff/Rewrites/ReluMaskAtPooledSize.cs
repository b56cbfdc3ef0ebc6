using Onnx;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rewrites;

/// <summary>
/// A rewrite of the finished backward graph for Relu → MaxPool, where the Relu output is read by
/// the MaxPool alone. The rules give dx_relu = Where(y_relu > 0, scatter(dy_pool), 0), the mask at
/// the full size. Since the scatter writes each dy_pool at its window's argmax, where y_relu equals
/// y_pool, the same values come from masking at the pooled size, k² times smaller:
/// dx_relu = scatter(Where(y_pool > 0, dy_pool, 0)). Where selects and never rounds, so the result
/// is identical to the bit.
/// </summary>
internal static class ReluMaskAtPooledSize
{
    /// <summary>Applies the rewrite to every Relu → MaxPool pair of the differentiated path.</summary>
    /// <param name="graph">The gradient model's graph, backward nodes included.</param>
    /// <param name="forward">The index of the forward graph (before the backward pass).</param>
    /// <param name="path">The differentiated path.</param>
    /// <param name="cotangents">The cotangent tensor of each forward tensor the backward pass reached.</param>
    /// <param name="emitter">The emitter of the backward nodes.</param>
    /// <param name="shapes">The forward tensors' shapes.</param>
    public static void Apply(GraphProto graph, GraphIndex forward, GraphPath path, IReadOnlyDictionary<string, string> cotangents, GraphEmitter emitter, TensorShapes shapes)
    {
        foreach (var pool in path.Nodes.Where(n => n.OpType == "MaxPool" && n.Domain is "" or "ai.onnx"))
        {
            var pooled = pool.Input[0];
            if (forward.Producer(pooled) is not { OpType: "Relu", Domain: "" } || forward.Consumers(pooled).Count != 1
                || !cotangents.TryGetValue(pool.Output[0], out var dy) || !cotangents.TryGetValue(pooled, out var reluDy)
                || ReluMask(graph, reluDy) is not { } reluMask)
            {
                continue;
            }

            MaskAtPooledSize(graph, emitter, GraphIndex.NodeLabel(pool), pool.Output[0], dy, shapes);
            PassThrough(graph, reluMask, reluDy);
        }
    }

    /// <summary>The Relu rule's Where(y > 0, dy, 0): the one node that reads the Relu's cotangent.</summary>
    private static NodeProto? ReluMask(GraphProto graph, string reluDy) =>
        graph.Node.Where(n => n.Input.Contains(reluDy)).ToList() is [{ OpType: "Where" } where] && where.Input[1] == reluDy ? where : null;

    /// <summary>Every reader of <paramref name="dy"/> reads Where(y > 0, dy, 0) instead, emitted just before the first of them.</summary>
    private static void MaskAtPooledSize(GraphProto graph, GraphEmitter emitter, string poolLabel, string y, string dy, TensorShapes shapes)
    {
        var readers = graph.Node.Where(n => n.Input.Contains(dy)).ToList();
        var info = shapes[y];
        var before = graph.Node.Count;
        emitter.Scope = poolLabel + "_Grad/";
        var yRef = new TensorRef(y, info.ElementType, info.Shape);
        var zero = emitter.Scalar(0, info.ElementType);
        var masked = emitter.Where(emitter.Greater(yRef, zero), new TensorRef(dy, info.ElementType, info.Shape), zero);
        var emitted = graph.Node.Skip(before).ToList();
        while (graph.Node.Count > before)
        {
            graph.Node.RemoveAt(graph.Node.Count - 1);
        }

        var first = readers.Select(graph.Node.IndexOf).Min();
        for (var k = 0; k < emitted.Count; k++)
        {
            graph.Node.Insert(first + k, emitted[k]);
        }

        foreach (var reader in readers)
        {
            for (var i = 0; i < reader.Input.Count; i++)
            {
                if (reader.Input[i] == dy)
                {
                    reader.Input[i] = masked.Name;
                }
            }
        }
    }

    /// <summary>The Relu's mask goes: its readers read the Relu's cotangent itself (a graph output keeps it, as Identity); so does its condition when nothing else reads it.</summary>
    private static void PassThrough(GraphProto graph, NodeProto reluMask, string reluDy)
    {
        var condition = reluMask.Input[0];
        var output = reluMask.Output[0];
        if (graph.Output.Any(o => o.Name == output))
        {
            reluMask.OpType = "Identity";
            reluMask.Input.Clear();
            reluMask.Input.Add(reluDy);
        }
        else
        {
            graph.Node.Remove(reluMask);
            foreach (var reader in graph.Node)
            {
                for (var i = 0; i < reader.Input.Count; i++)
                {
                    if (reader.Input[i] == output)
                    {
                        reader.Input[i] = reluDy;
                    }
                }
            }
        }

        if (!graph.Node.Any(n => n.Input.Contains(condition)) && graph.Node.FirstOrDefault(n => n.Output.Contains(condition)) is { } producer)
        {
            graph.Node.Remove(producer);
        }
    }
}
