namespace OnnxCd.Runtime.Autodiff;

/// <summary>Reusable reasons why a node cannot be differentiated.</summary>
internal static class RuleChecks
{
    /// <summary>Refuses a node when an input other than <paramref name="differentiable"/> needs a gradient (weights, exponents, bounds).</summary>
    public static string? OnlyInputs(NodeView node, params int[] differentiable)
    {
        for (var i = 0; i < node.InputCount; i++)
        {
            if (node.NeedsInputGrad(i) && !differentiable.Contains(i))
            {
                return $"input {i} ('{node.Node.Input[i]}') depends on the differentiated input, and OnnxCd only differentiates {Describe(differentiable)} of {node.Node.OpType} (weights, bounds and exponents must be constant)";
            }
        }

        return null;
    }

    /// <summary>Refuses a node whose listed input is not a build-time constant.</summary>
    public static string? ConstantInput(NodeView node, int input, string what) =>
        node.HasInput(input) && node.ConstantInput(input) is null
            ? $"{what} (input {input}, '{node.Node.Input[input]}') must be a constant or initializer"
            : null;

    /// <summary>Refuses a node whose input has dynamic dimensions beyond the first (the batch axis).</summary>
    public static string? StaticBeyondBatch(NodeView node, int input)
    {
        var shape = node.Input(input).KnownShape;
        return Enumerable.Range(1, Math.Max(0, shape.Rank - 1)).Any(shape.IsDynamic)
            ? $"input '{node.Node.Input[input]}' has shape {shape}: only the batch axis may be dynamic"
            : null;
    }

    private static string Describe(int[] inputs) =>
        inputs.Length == 1 ? $"input {inputs[0]}" : "inputs " + string.Join(" and ", inputs);

    /// <summary>Refuses a node whose input (a weight) has any dynamic dimension.</summary>
    public static string? ConstantShape(NodeView node, int input) =>
        node.HasInput(input) && !node.Input(input).KnownShape.IsStatic
            ? $"input '{node.Node.Input[input]}' has shape {node.Input(input).KnownShape}; it must have a fixed shape"
            : null;
}
