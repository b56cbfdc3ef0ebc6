using Onnx;
using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// What a gradient rule sees while it emits: the forward node (through <see cref="NodeView"/>),
/// the incoming output gradients (null where no gradient reaches an output), the emitter, and
/// <see cref="SetInputGrad"/> to contribute input gradients. Broadcasting of a contributed
/// gradient is undone by the backward pass, not by the rule.
/// </summary>
internal sealed class GradientContext : NodeView
{
    private readonly TensorRef?[] _outputGrads;
    private readonly Dictionary<int, List<TensorRef>> _inputGrads = [];

    public GradientContext(NodeProto node, GraphIndex index, TensorShapes shapes, GraphPath path, GraphEmitter emitter, TensorRef?[] outputGrads, ProviderTarget target)
        : base(node, index, shapes, path, emitter.Opset)
    {
        E = emitter;
        Target = target;
        _outputGrads = outputGrads;
    }

    /// <summary>The emitter; its names are prefixed with <c>{node}_Grad/</c>.</summary>
    public GraphEmitter E { get; }

    /// <summary>The providers the emitted nodes must run on.</summary>
    public ProviderTarget Target { get; }

    /// <summary>The gradients contributed so far, by input slot.</summary>
    public IReadOnlyDictionary<int, List<TensorRef>> InputGrads => _inputGrads;

    /// <summary>dL/d(output i), or null when no gradient reaches that output.</summary>
    public TensorRef? OutputGrad(int i) => i < _outputGrads.Length ? _outputGrads[i] : null;

    /// <summary>dL/d(output 0), which every single-output rule needs.</summary>
    public TensorRef Dy => OutputGrad(0) ?? throw new InvalidOperationException($"Rule for '{Label}' ({Node.OpType}) ran without a gradient for its first output.");

    /// <summary>Contributes <paramref name="grad"/> to dL/d(input i); only for inputs that need it.</summary>
    public void SetInputGrad(int i, TensorRef grad)
    {
        if (!NeedsInputGrad(i))
        {
            return;
        }

        if (!_inputGrads.TryGetValue(i, out var list))
        {
            _inputGrads[i] = list = [];
        }

        list.Add(grad);
    }

    /// <summary>
    /// Makes the forward node also produce its optional output <paramref name="i"/> (for example
    /// MaxPool's Indices) and returns it; an output that already exists is returned as it is.
    /// </summary>
    public TensorRef ForwardOutput(int i, DataType type, TensorShape shape)
    {
        while (Node.Output.Count <= i)
        {
            Node.Output.Add(string.Empty);
        }

        if (Node.Output[i].Length == 0)
        {
            Node.Output[i] = E.UniqueName($"{Label}:{i}");
        }

        return new TensorRef(Node.Output[i], type, shape);
    }

    /// <summary>A scalar constant of <paramref name="like"/>'s element type.</summary>
    public TensorRef Scalar(double value, TensorRef like) => E.Scalar(value, like.ElementType);

    /// <summary>A zero tensor with the shape of <paramref name="like"/>.</summary>
    public TensorRef ZerosLike(TensorRef like) => E.Expand(Scalar(0, like), E.ShapeOf(like), like.Shape);
}
