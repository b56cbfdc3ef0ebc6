using Google.Protobuf;
using Onnx;

namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// Random damage to an ONNX model that still parses: a node's op replaced, removed or its input
/// rewired to another (or a missing) tensor, an attribute set to a boundary value, a declared
/// dimension or element type changed, an initializer's data cut short or its dims changed, the
/// opset changed. These reach past the protobuf parser into graph checks, shape inference and ONNX Runtime.
/// </summary>
internal static class ModelMutator
{
    private static readonly string[] s_ops = ["Relu", "Softmax", "Conv", "MatMul", "Gemm", "Reshape", "Loop", "TopK", "Resize", "NonZero", "Identity", "Custom"];
    private static readonly long[] s_values = [0, -1, 1, 2, 3, long.MaxValue, int.MinValue, 1_000_000];

    /// <summary>A copy of <paramref name="seed"/> with 1 to 3 random edits drawn from <paramref name="random"/>, serialized.</summary>
    public static byte[] Mutate(ModelProto seed, Random random)
    {
        var model = seed.Clone();
        var graph = model.Graph;
        var tensors = graph.Node.SelectMany(n => n.Output).Concat(graph.Input.Select(i => i.Name)).Concat(graph.Initializer.Select(i => i.Name)).Append("missing_tensor").ToArray();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && graph.Node.Count > 0; e++)
        {
            var node = graph.Node[random.Next(graph.Node.Count)];
            switch (random.Next(8))
            {
                case 0:
                    node.OpType = s_ops[random.Next(s_ops.Length)];
                    break;
                case 1:
                    graph.Node.Remove(node);
                    break;
                case 2 when node.Input.Count > 0:
                    node.Input[random.Next(node.Input.Count)] = tensors[random.Next(tensors.Length)];
                    break;
                case 3 when node.Attribute.Count > 0:
                    var attribute = node.Attribute[random.Next(node.Attribute.Count)];
                    attribute.I = s_values[random.Next(s_values.Length)];
                    if (attribute.Ints.Count > 0)
                    {
                        attribute.Ints[random.Next(attribute.Ints.Count)] = s_values[random.Next(s_values.Length)];
                    }

                    break;
                case 4:
                    var value = random.Next(2) == 0 ? graph.Input[0] : graph.Output[random.Next(graph.Output.Count)];
                    var dims = value.Type.TensorType.Shape.Dim;
                    if (dims.Count > 0 && random.Next(3) > 0)
                    {
                        dims[random.Next(dims.Count)] = new TensorShapeProto.Types.Dimension { DimValue = s_values[random.Next(s_values.Length)] };
                    }
                    else
                    {
                        value.Type.TensorType.ElemType = random.Next(17);
                    }

                    break;
                case 5 when graph.Initializer.Count > 0:
                    var initializer = graph.Initializer[random.Next(graph.Initializer.Count)];
                    if (random.Next(2) == 0 && initializer.RawData.Length > 0)
                    {
                        initializer.RawData = ByteString.CopyFrom(initializer.RawData.Span[..random.Next(initializer.RawData.Length)]);
                    }
                    else if (initializer.Dims.Count > 0)
                    {
                        initializer.Dims[random.Next(initializer.Dims.Count)] = s_values[random.Next(s_values.Length)];
                    }

                    break;
                case 6:
                    model.OpsetImport[0].Version = new long[] { 1, 7, 11, 13, 21, 99 }[random.Next(6)];
                    break;
                default:
                    node.Output[0] = tensors[random.Next(tensors.Length)];
                    break;
            }
        }

        return model.ToByteArray();
    }
}
