using Onnx;

namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// Which opset a gradient graph is written at. Emitted nodes use op forms valid at opset 17 and
/// unchanged since (kernels on CUDA match exact schema versions). Models at opsets 13–16 are
/// raised to 17: none of the ops OnnxCd differentiates changed meaning between 13 and 17 (only
/// RoiAlign's default changed, at 16, so a model holding it stays at its opset). Models at 17 or
/// newer keep theirs; 11–12 keep theirs, with the few attribute forms those opsets need.
/// </summary>
internal static class OpsetPolicy
{
    public const long Target = 17;

    public const long Oldest = 11;

    /// <summary>The opset to write the gradient graph at, for a model whose default-domain opset is <paramref name="modelOpset"/>.</summary>
    public static long For(ModelProto model, long modelOpset, string description)
    {
        if (modelOpset < Oldest)
        {
            throw new ModelException($"Model '{description}' uses opset {modelOpset}; OnnxCd differentiates opset {Oldest} or newer. Re-export it with torch.onnx.export(..., opset_version={Target}).");
        }

        var changedMeaning = model.Graph.Node.Any(n => n.OpType == "RoiAlign");
        return modelOpset is >= 13 and < Target && !changedMeaning ? Target : modelOpset;
    }

    /// <summary>Raises the default-domain import of <paramref name="model"/> to <paramref name="opset"/> (IR 8 at least).</summary>
    public static void Apply(ModelProto model, long opset)
    {
        foreach (var import in model.OpsetImport.Where(i => i.Domain is "" or "ai.onnx"))
        {
            import.Version = opset;
        }

        model.IrVersion = Math.Max(model.IrVersion, 8);
    }
}
