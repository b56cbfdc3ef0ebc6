using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Distillation;

/// <summary>The two graphs CD runs: the reference forward pass (once per batch) and the optimisation step.</summary>
public sealed class CdGraphs
{
    internal CdGraphs(OnnxModel reference, OnnxModel objective, TensorShapes objectiveShapes, OnnxModel step, CdNames names, string matched, TensorShape imageShape, TensorShape targetShape, string? predictions, long opset, int backwardNodes)
    {
        Predictions = predictions;
        Reference = reference;
        Objective = objective;
        ObjectiveShapes = objectiveShapes;
        Step = step;
        Names = names;
        Matched = matched;
        ImageShape = imageShape;
        TargetShape = targetShape;
        Opset = opset;
        BackwardNodeCount = backwardNodes;
    }

    /// <summary>image → (normalisation) → model → the matched tensor, output as <see cref="CdNames.Target"/>.</summary>
    public OnnxModel Reference { get; }

    /// <summary>(image, target, θ, noise) → per-sample objective: the step graph before differentiation and the Adam update.</summary>
    internal OnnxModel Objective { get; }

    /// <summary>The shapes of <see cref="Objective"/>'s tensors, derived from the model's without running it.</summary>
    internal TensorShapes ObjectiveShapes { get; }

    /// <summary>(image, target, θ, noise, Adam state, scalars) → (θ', m', v', per-sample loss): one step per run.</summary>
    public OnnxModel Step { get; }

    /// <summary>The graphs' input and output names.</summary>
    public CdNames Names { get; }

    /// <summary>The model tensor the mask must keep (the logits output, or the CD-F feature map).</summary>
    public string Matched { get; }

    /// <summary>The image input's shape, [N,C,H,W] (N dynamic unless the model fixes it).</summary>
    public TensorShape ImageShape { get; }

    /// <summary>The matched tensor's shape.</summary>
    public TensorShape TargetShape { get; }

    /// <summary>The reference output whose argmax over axis 1 is the predicted class (the logits, or their softmax), or null when the model has no single logits output.</summary>
    public string? Predictions { get; }

    /// <summary>The opset the step graph is written at.</summary>
    public long Opset { get; }

    /// <summary>Nodes added by the backward pass.</summary>
    public int BackwardNodeCount { get; }

    /// <summary>The dimensions of every step-graph input for images of <paramref name="imageDims"/> ([N,C,H,W]).</summary>
    public IReadOnlyDictionary<string, long[]> StepInputDims(long[] imageDims)
    {
        ArgumentNullException.ThrowIfNull(imageDims);
        long[] mask = [imageDims[0], 1, imageDims[2], imageDims[3]];
        return new Dictionary<string, long[]>
        {
            [Names.Image] = imageDims,
            [Names.Target] = [imageDims[0], .. TargetShape.Dims.Skip(1)],
            [Names.Theta] = mask,
            [Names.Noise] = [imageDims[0], imageDims[1], 1, 1],
            [Names.AdamM] = mask,
            [Names.AdamV] = mask,
            [Names.NegStepSize] = [],
            [Names.BiasCorrection2Sqrt] = [],
        };
    }
}
