using Onnx;
using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.TestSupport;

/// <summary>Builds small ONNX models for tests: typed inputs, nodes, initializers and outputs.</summary>
internal sealed class TestGraph
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private readonly long _opset;
    private int _counter;

    public TestGraph(long opset = 17, DataType type = DataType.Float)
    {
        _opset = opset;
        Type = type;
    }

    public DataType Type { get; }

    /// <summary>Concrete dims of every input, as fed by tests.</summary>
    public Dictionary<string, long[]> InputDims { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds an input of the graph's element type; with <paramref name="dynamicBatch"/> its first axis is symbolic.</summary>
    public string Input(string name, long[] dims, bool dynamicBatch = false, DataType? type = null)
    {
        var shape = new TensorShapeProto();
        for (var i = 0; i < dims.Length; i++)
        {
            shape.Dim.Add(i == 0 && dynamicBatch
                ? new TensorShapeProto.Types.Dimension { DimParam = "N" }
                : new TensorShapeProto.Types.Dimension { DimValue = dims[i] });
        }

        _graph.Input.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)(type ?? Type), Shape = shape } },
        });
        InputDims[name] = dims;
        return name;
    }

    /// <summary>Adds an initializer of the given type.</summary>
    public string Constant(double[] values, long[] dims, DataType? type = null)
    {
        var tensor = Tensors.Create(values, dims, type ?? Type);
        tensor.Name = $"c{_counter++}";
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Ints(params long[] values)
    {
        var tensor = Tensors.Ints(values);
        tensor.Name = $"c{_counter++}";
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node with one output and returns the output name.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        NodeMulti(opType, inputs, 1, attributes)[0];

    public string[] NodeMulti(string opType, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var id = _counter++;
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{id}" };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(k => $"{opType}_{id}_y{k}").ToArray();
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return names;
    }

    public void Output(string name) => _graph.Output.Add(new ValueInfoProto { Name = name });

    /// <summary>Adds a graph output with a declared element type and shape (value info the file gives).</summary>
    public void Output(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        _graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)Type, Shape = shape } } });
    }

    public OnnxModel Build() => OnnxModel.FromBytes(Bytes(), $"test graph ({_graph.Node.FirstOrDefault()?.OpType})");

    /// <summary>The model as a file holds it, before OnnxCd loads it (and lifts an old opset).</summary>
    public byte[] Bytes()
    {
        var model = new ModelProto { IrVersion = 8, Graph = _graph.Clone(), ProducerName = "OnnxCd.Tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = _opset });
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }
}
