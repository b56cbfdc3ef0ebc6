using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// Undoes numpy broadcasting of a gradient: sums the axes along which the input was stretched and
/// reshapes to the input's shape. Applied by the backward pass to every contributed gradient.
/// </summary>
internal static class Unbroadcast
{
    /// <param name="e">The emitter.</param>
    /// <param name="grad">A gradient in the broadcast (output) shape; an unknown shape is taken as <paramref name="x"/>'s.</param>
    /// <param name="x">The input the gradient belongs to.</param>
    public static TensorRef To(GraphEmitter e, TensorRef grad, TensorRef x)
    {
        var target = x.KnownShape;
        if (grad.Shape is null || grad.Shape.Equals(target))
        {
            return grad;
        }

        var shape = grad.Shape;
        var lead = shape.Rank - target.Rank;
        if (lead < 0)
        {
            throw new InvalidOperationException($"Gradient {grad} has a lower rank than its input {x}.");
        }

        // Axes added in front, and axes where x has size 1 but the gradient does not.
        var axes = Enumerable.Range(0, shape.Rank)
            .Where(i => i < lead || (target[i - lead] == 1 && shape[i] != 1))
            .Select(i => (long)i)
            .ToArray();
        var reduced = axes.Length == 0 ? grad : e.ReduceSum(grad, axes, keepDims: true);
        return e.ReshapeTo(reduced, target, like: x);
    }
}
