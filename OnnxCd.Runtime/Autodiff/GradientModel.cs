using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// A model extended with its backward pass: the original inputs plus one cotangent input per
/// requested output, and the original outputs plus one gradient output per wrt input.
/// </summary>
public sealed class GradientModel
{
    internal GradientModel(OnnxModel model, IReadOnlyDictionary<string, string> cotangentInputs, IReadOnlyDictionary<string, string> gradientOutputs, long opset, int backwardNodes)
    {
        Model = model;
        CotangentInputs = cotangentInputs;
        GradientOutputs = gradientOutputs;
        Opset = opset;
        BackwardNodeCount = backwardNodes;
    }

    /// <summary>The extended model (a new instance; the source model is unchanged).</summary>
    public OnnxModel Model { get; }

    /// <summary>For each output seeded with a cotangent, the name of the graph input that takes it.</summary>
    public IReadOnlyDictionary<string, string> CotangentInputs { get; }

    /// <summary>For each wrt input, the name of the graph output holding its gradient.</summary>
    public IReadOnlyDictionary<string, string> GradientOutputs { get; }

    /// <summary>The default-domain opset the extended model is written at.</summary>
    public long Opset { get; }

    /// <summary>How many nodes the backward pass added.</summary>
    public int BackwardNodeCount { get; }
}
