using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>
/// The classification losses (a graph exported with its training loss holds them), differentiated
/// with respect to the scores; the labels and class weights are never differentiated.
/// </summary>
internal static class LossRules
{
    /// <summary>
    /// lᵢ = −wᵢ·x[i, tᵢ] with wᵢ = weight[tᵢ] (1 without weights; 0 where tᵢ = ignore_index), i over
    /// the batch and the extra axes; y = l (none), Σ l (sum) or Σ l / Σ w (mean).
    /// dx[i, c] = −wᵢ·gᵢ where c = tᵢ, else 0; gᵢ = dyᵢ, dy, or dy / Σ w.
    /// </summary>
    public static void NegativeLogLikelihoodLoss(GradientContext g) => g.SetInputGrad(0, ScoresGradient(g, g.Dy, g.Input(0)));

    /// <summary>
    /// p = log softmax(x) over axis 1 (output 1 when asked for); y = NegativeLogLikelihoodLoss(p, t, w).
    /// dp = the loss's gradient (as NegativeLogLikelihoodLoss) + the gradient of output 1;
    /// dx = dp − softmax(x)·Σ_c dp.
    /// </summary>
    public static void SoftmaxCrossEntropyLoss(GradientContext g)
    {
        var x = g.Input(0);
        var e = g.E;
        var dp = g.OutputGrad(0) is { } dy ? ScoresGradient(g, dy, x) : null;
        if (g.OutputGrad(1) is { } dLogProb)
        {
            dp = dp is null ? dLogProb : e.Add(dp, dLogProb);
        }

        if (dp is null)
        {
            return;
        }

        var softmax = e.Op("Softmax", [x], x.ElementType, x.Shape, Attributes.Int("axis", 1));
        g.SetInputGrad(0, e.Sub(dp, e.Mul(softmax, e.ReduceSum(dp, [1], keepDims: true))));
    }

    /// <summary>The gradient of the likelihood loss with respect to the scores <paramref name="scores"/> [N, C, d…], for the loss's gradient <paramref name="dy"/>.</summary>
    private static TensorRef ScoresGradient(GradientContext g, TensorRef dy, TensorRef scores)
    {
        var e = g.E;
        var shape = scores.KnownShape;
        var target = g.Input(1);
        var zero = g.Scalar(0, scores);
        var classDims = new long[shape.Rank];
        Array.Fill(classDims, 1L);
        classDims[1] = shape[1];
        var classes = e.Constant(Enumerable.Range(0, (int)shape[1]).Select(c => (double)c).ToArray(), classDims, target.ElementType);
        var lifted = new TensorShape([shape[0], 1, .. shape.Dims.Skip(2)]);
        var isTarget = e.Equal(e.Unsqueeze(target, [1], lifted), classes);

        TensorRef? valid = null;
        var safeTarget = target;
        if (Attributes.Find(g.Node, "ignore_index") is { } ignore)
        {
            var ignored = e.Equal(target, e.Scalar(ignore.I, target.ElementType));
            valid = e.Op("Not", [ignored], ignored.ElementType, ignored.Shape);
            safeTarget = e.Where(ignored, e.Scalar(0, target.ElementType), target);
        }

        TensorRef? weight = g.HasInput(2) ? e.Op("Gather", [g.Input(2), safeTarget], scores.ElementType, target.Shape) : null;
        if (valid is not null)
        {
            var mask = e.Cast(valid, scores.ElementType);
            weight = weight is null ? mask : e.Mul(weight, mask);
        }

        var perSample = g.String("reduction", "mean") switch
        {
            "none" or "sum" => dy,
            _ => e.Div(dy, weight is null
                ? e.Cast(e.Size(target), scores.ElementType)
                : e.ReduceSum(weight, Enumerable.Range(0, target.Rank).Select(a => (long)a).ToArray(), keepDims: false)),
        };
        var coefficient = e.Neg(weight is null ? perSample : e.Mul(perSample, weight));
        if (coefficient.Shape is { Rank: > 0 })
        {
            coefficient = e.Unsqueeze(coefficient, [1], lifted);
        }

        return e.Where(isTarget, coefficient, zero);
    }
}
