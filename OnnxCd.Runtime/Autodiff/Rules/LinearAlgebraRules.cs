using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>Matrix products.</summary>
internal static class LinearAlgebraRules
{
    /// <summary>
    /// y = α·op(A)·op(B) + β·C, op = transpose when transA/transB.
    /// dA = α·dy·op(B)ᵀ (transA = 0) or α·op(B)·dyᵀ (transA = 1);
    /// dB = α·op(A)ᵀ·dy (transB = 0) or α·dyᵀ·op(A) (transB = 1); dC = β·dy, unbroadcast.
    /// </summary>
    public static void Gemm(GradientContext g)
    {
        var a = g.Input(0);
        var b = g.Input(1);
        var alpha = g.Float("alpha", 1f);
        var beta = g.Float("beta", 1f);
        var transA = g.Int("transA", 0) != 0;
        var transB = g.Int("transB", 0) != 0;
        var dy = g.Dy;
        if (g.NeedsInputGrad(0))
        {
            g.SetInputGrad(0, transA
                ? g.E.Gemm(b, dy, alpha, transA: transB, transB: true, a.Shape)
                : g.E.Gemm(dy, b, alpha, transA: false, transB: !transB, a.Shape));
        }

        if (g.NeedsInputGrad(1))
        {
            g.SetInputGrad(1, transB
                ? g.E.Gemm(dy, a, alpha, transA: true, transB: transA, b.Shape)
                : g.E.Gemm(a, dy, alpha, transA: !transA, transB: false, b.Shape));
        }

        if (g.NeedsInputGrad(2))
        {
            g.SetInputGrad(2, beta == 1f ? dy : g.E.Mul(dy, beta));
        }
    }

    /// <summary>
    /// y = A·B with numpy broadcasting over the leading axes.  dA = dy·Bᵀ, dB = Aᵀ·dy (transposes of the
    /// last two axes), unbroadcast by the backward pass.  1-D operands are treated as [1,K] and [K,1].
    /// </summary>
    public static void MatMul(GradientContext g)
    {
        var e = g.E;
        var a = g.Input(0);
        var b = g.Input(1);
        var aIsVector = a.Rank == 1;
        var bIsVector = b.Rank == 1;
        var a2 = aIsVector ? e.ReshapeTo(a, new TensorShape([1, a.KnownShape[0]])) : a;
        var b2 = bIsVector ? e.ReshapeTo(b, new TensorShape([b.KnownShape[0], 1])) : b;

        var dy = g.Dy;
        var yRank = dy.Rank;
        long[] inserted = (aIsVector, bIsVector) switch
        {
            (true, true) => [0, 1],
            (true, false) => [yRank - 1],
            (false, true) => [yRank],
            _ => [],
        };
        var dyShape = dy.KnownShape.Dims.ToList();
        foreach (var axis in inserted)
        {
            dyShape.Insert((int)axis, 1);
        }

        var dy2 = inserted.Length == 0 ? dy : e.Unsqueeze(dy, inserted, new TensorShape(dyShape));
        var batch = dy2.KnownShape.Dims.Take(dyShape.Count - 2).ToArray();
        if (g.NeedsInputGrad(0))
        {
            var shape = new TensorShape([.. batch, a2.KnownShape[^2], a2.KnownShape[^1]]);
            var da = e.MatMul(dy2, SwapLastTwo(e, b2), shape);
            g.SetInputGrad(0, aIsVector ? e.Squeeze(da, [shape.Rank - 2], new TensorShape([.. batch, a2.KnownShape[^1]])) : da);
        }

        if (g.NeedsInputGrad(1))
        {
            var shape = new TensorShape([.. batch, b2.KnownShape[^2], b2.KnownShape[^1]]);
            var db = e.MatMul(SwapLastTwo(e, a2), dy2, shape);
            g.SetInputGrad(1, bIsVector ? e.Squeeze(db, [shape.Rank - 1], new TensorShape([.. batch, b2.KnownShape[^2]])) : db);
        }
    }

    private static TensorRef SwapLastTwo(GraphEmitter e, TensorRef t)
    {
        var rank = t.Rank;
        var perm = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        (perm[rank - 2], perm[rank - 1]) = (perm[rank - 1], perm[rank - 2]);
        return e.Transpose(t, perm);
    }

    /// <summary>
    /// y = einsum(eq, x₀, x₁, …).  dxᵢ = einsum(out, others → xᵢ's subscripts)(dy, xⱼ≠ᵢ), then broadcast along
    /// the subscripts that only xᵢ has (summed out in y).
    /// </summary>
    public static void Einsum(GradientContext g)
    {
        var equation = EinsumEquation.Parse(g.String("equation", string.Empty), out _)!;
        for (var i = 0; i < g.InputCount; i++)
        {
            if (!g.NeedsInputGrad(i))
            {
                continue;
            }

            var x = g.Input(i);
            var (gradientEquation, kept) = equation.GradientOf(i);
            var shape = x.KnownShape;
            var keptShape = new TensorShape(equation.Inputs[i].Select((c, k) => kept.Contains(c) ? shape[k] : 1L));
            var operands = Enumerable.Range(0, g.InputCount).Where(j => j != i).Select(g.Input).Prepend(g.Dy).ToList();
            var grad = g.E.Op("Einsum", operands, x.ElementType, new TensorShape(kept.Select(c => shape[equation.Inputs[i].IndexOf(c)])), Attributes.String("equation", gradientEquation));
            if (kept.Length < equation.Inputs[i].Length)
            {
                var alone = equation.Inputs[i].Select((c, k) => (c, k)).Where(p => !kept.Contains(p.c)).Select(p => (long)p.k).ToArray();
                grad = g.E.Expand(g.E.Unsqueeze(grad, alone, keptShape), g.E.ShapeOf(x), x.Shape);
            }

            g.SetInputGrad(i, grad);
        }
    }

    public static string? EinsumCheck(NodeView node) =>
        EinsumEquation.Parse(node.String("equation", string.Empty), out var problem) is null ? problem : null;
}
