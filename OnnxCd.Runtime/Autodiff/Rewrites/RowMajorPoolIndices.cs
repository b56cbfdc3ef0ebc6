using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rewrites;

/// <summary>
/// A rewrite of the forward graph before it is differentiated: every MaxPool on the path gives its
/// Indices in row-major order (storage_order = 0), the flat positions the MaxPool rule scatters to.
/// Only the Indices output depends on the attribute; the pooled values do not.
/// </summary>
internal static class RowMajorPoolIndices
{
    /// <summary>Sets storage_order to 0 on the MaxPool nodes of <paramref name="path"/>.</summary>
    public static void Apply(GraphPath path)
    {
        foreach (var pool in path.Nodes.Where(n => n.OpType == "MaxPool" && n.Domain is "" or "ai.onnx"))
        {
            if (Attributes.Find(pool, "storage_order") is { } storageOrder)
            {
                storageOrder.I = 0;
            }
        }
    }
}
