using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Graph;

/// <summary>Reads the value of a <c>Constant</c> node, whichever attribute holds it.</summary>
internal static class ConstantNodes
{
    public static TensorProto? Value(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            switch (attribute.Name)
            {
                case "value":
                    return attribute.T;
                case "value_float":
                    return Tensors.Scalar(attribute.F, DataType.Float);
                case "value_int":
                    return Tensors.Scalar(attribute.I, DataType.Int64);
                case "value_floats":
                    return Tensors.Vector(attribute.Floats.Select(f => (double)f).ToArray(), DataType.Float);
                case "value_ints":
                    return Tensors.Ints(attribute.Ints.ToArray());
            }
        }

        return null;
    }
}
