using Onnx;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// What a gradient rule may read about its forward node: inputs and outputs with their shapes,
/// attributes with ONNX defaults, constant input values, the opset, and which inputs need a gradient.
/// </summary>
internal class NodeView
{
    private readonly GraphIndex _index;
    private readonly TensorShapes _shapes;
    private readonly GraphPath _path;

    public NodeView(NodeProto node, GraphIndex index, TensorShapes shapes, GraphPath path, long opset)
    {
        Node = node;
        _index = index;
        _shapes = shapes;
        _path = path;
        Opset = opset;
    }

    public NodeProto Node { get; }

    /// <summary>The node's name for messages and emitted-node prefixes.</summary>
    public string Label => GraphIndex.NodeLabel(Node);

    /// <summary>The opset of the model (17 or newer: older models are lifted when loaded), which its nodes and the gradient's are written for.</summary>
    public long Opset { get; }

    public int InputCount => Node.Input.Count;

    public bool HasInput(int i) => i < Node.Input.Count && Node.Input[i].Length > 0;

    public bool HasOutput(int i) => i < Node.Output.Count && Node.Output[i].Length > 0;

    public TensorRef Input(int i) => Tensor(Node.Input[i]);

    public TensorRef Output(int i) => Tensor(Node.Output[i]);

    /// <summary>The node that produces input i; null for graph inputs and initializers.</summary>
    public NodeProto? InputProducer(int i) => _index.Producer(Node.Input[i]);

    /// <summary>How many nodes read input i (this one included).</summary>
    public int InputReaderCount(int i) => _index.Consumers(Node.Input[i]).Count;

    /// <summary>Whether input <paramref name="i"/> lies on the differentiated path (depends on a wrt input).</summary>
    public bool NeedsInputGrad(int i) => HasInput(i) && _path.Contains(Node.Input[i]);

    public long Int(string name, long fallback) => Attributes.GetInt(Node, name, fallback);

    public float Float(string name, float fallback) => Attributes.GetFloat(Node, name, fallback);

    public string String(string name, string fallback) => Attributes.GetString(Node, name, fallback);

    public long[]? Ints(string name) => Attributes.GetInts(Node, name);

    /// <summary>
    /// The build-time value of input <paramref name="i"/>: an initializer or Constant, or an integer
    /// tensor computed from shapes alone whose probed value does not depend on the batch size; else null.
    /// </summary>
    public TensorProto? ConstantInput(int i)
    {
        if (!HasInput(i))
        {
            return null;
        }

        var name = Node.Input[i];
        if (_index.ConstantValue(name) is { } constant)
        {
            return constant;
        }

        if (!_index.DependsOnInputData(name) && _shapes.IntValue(name) is { } values)
        {
            var tensor = Tensors.Ints(values);
            tensor.Dims.Clear();
            tensor.Dims.AddRange(_shapes[name].Shape.Dims);
            return tensor;
        }

        return null;
    }

    public long[]? ConstantInts(int i) => ConstantInput(i) is { } t ? Tensors.ReadInts(t) : null;

    public double[]? ConstantDoubles(int i) => ConstantInput(i) is { } t ? Tensors.ReadDoubles(t) : null;

    private TensorRef Tensor(string name)
    {
        var info = _shapes[name];
        return new TensorRef(name, info.ElementType, info.Shape);
    }
}
