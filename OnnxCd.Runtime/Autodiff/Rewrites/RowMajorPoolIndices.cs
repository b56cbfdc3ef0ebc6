using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rewrites;

/// <summary>
/// A rewrite of the forward graph before it is differentiated: every MaxPool on the path whose
/// Indices the model does not use gives them in row-major order (storage_order = 0), the flat
/// positions the MaxPool rule scatters to. Only the Indices output depends on the attribute; the
/// pooled values do not. A MaxPool whose Indices the model reads keeps its order (the model's
/// meaning), and the rule converts column-major Indices itself.
/// </summary>
internal static class RowMajorPoolIndices
{
    /// <summary>Sets storage_order to 0 on the MaxPool nodes of <paramref name="path"/> that have no Indices output.</summary>
    public static void Apply(GraphPath path)
    {
        foreach (var pool in path.Nodes.Where(n => n.OpType == "MaxPool" && n.Domain is "" or "ai.onnx" && !(n.Output.Count > 1 && n.Output[1].Length > 0)))
        {
            if (Attributes.Find(pool, "storage_order") is { } storageOrder)
            {
                storageOrder.I = 0;
            }
        }
    }
}
