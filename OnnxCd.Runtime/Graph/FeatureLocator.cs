using Onnx;

namespace OnnxCd.Runtime.Graph;

/// <summary>
/// Finds the feature map CD-F matches by default: the last convolutional-stage output before global
/// pooling (features[-2] in the original code, cd-algorithm.md section 2).
/// </summary>
public static class FeatureLocator
{
    private static readonly HashSet<string> s_globalPools = new(StringComparer.Ordinal) { "GlobalAveragePool", "GlobalMaxPool" };

    /// <summary>The input of the last global pooling (the last 4-D map before it), else the last 4-D float tensor; null when there is none.</summary>
    public static FeatureCandidate? Find(OnnxModel model, TensorShapes shapes)
    {
        var order = new GraphIndex(model.Proto.Graph).Order;
        foreach (var node in order.Reverse())
        {
            if (node.Input.Count > 0 && IsGlobalPooling(node, shapes) && shapes.Find(node.Input[0]) is { Shape.Rank: 4, IsFloat: true } info)
            {
                return new FeatureCandidate(node.Input[0], info.Shape.ToString(), $"input of the last global pooling ({node.OpType} '{GraphIndex.NodeLabel(node)}')");
            }
        }

        foreach (var node in order.Reverse())
        {
            foreach (var output in node.Output)
            {
                if (shapes.Find(output) is { Shape.Rank: 4, IsFloat: true } info)
                {
                    return new FeatureCandidate(output, info.Shape.ToString(), "no global pooling found: the last 4-D tensor");
                }
            }
        }

        return null;
    }

    private static bool IsGlobalPooling(NodeProto node, TensorShapes shapes)
    {
        if (s_globalPools.Contains(node.OpType))
        {
            return true;
        }

        var input = shapes.Find(node.Input[0]);
        var output = node.Output.Count > 0 ? shapes.Find(node.Output[0]) : null;
        if (input is not { Shape.Rank: 4 } || output is null)
        {
            return false;
        }

        // ReduceMean/AveragePool/MaxPool that leave a 1×1 map (or no spatial axes) of the same channels.
        var spatialGone = output.Shape.Rank < 4 || (output.Shape[2] == 1 && output.Shape[3] == 1 && input.Shape[2] * input.Shape[3] > 1);
        return node.OpType is "ReduceMean" or "ReduceMax" or "AveragePool" or "MaxPool" && spatialGone && output.Shape.Rank >= 2 && output.Shape[1] == input.Shape[1];
    }

}
