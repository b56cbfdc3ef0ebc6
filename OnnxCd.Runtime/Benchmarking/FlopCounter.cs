using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Benchmarking;

/// <summary>
/// Counts the floating-point operations of a graph's matrix work: Conv, ConvTranspose, Gemm and
/// MatMul, two per multiply-add, at a given batch size. Element-wise ops, pooling and reductions are
/// not counted, so the count is a floor: it is what the matrix-multiply peak can be compared with.
/// </summary>
public static class FlopCounter
{
    /// <summary>FLOPs of one run of <paramref name="model"/> whose tensors have <paramref name="shapes"/>, with the dynamic batch axis set to <paramref name="batch"/>.</summary>
    public static double Count(OnnxModel model, TensorShapes shapes, long batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(shapes);
        double total = 0;
        foreach (var node in model.Proto.Graph.Node)
        {
            long[] Dims(int input) => shapes[node.Input[input]].Shape.Dims.Select(d => d == TensorShape.Dynamic ? batch : d).ToArray();
            long[] Out() => shapes[node.Output[0]].Shape.Dims.Select(d => d == TensorShape.Dynamic ? batch : d).ToArray();
            total += node.OpType switch
            {
                // Conv: 2 · N·Cout·∏out_spatial · (Cin/groups)·∏kernel
                "Conv" => 2.0 * Product(Out()) * Product(Dims(1).Skip(1)),

                // ConvTranspose: 2 · N·Cin·∏in_spatial · (Cout/groups)·∏kernel; its weight is [Cin, Cout/groups, k...]
                "ConvTranspose" => 2.0 * Product(Dims(0)) * Product(Dims(1).Skip(1)),

                // Gemm: 2·M·N·K, K from A (transA swaps it)
                "Gemm" => 2.0 * Product(Out()) * Dims(0)[Attributes.GetInt(node, "transA", 0) == 1 ? 0 : 1],

                // MatMul: 2 · ∏output · K, K the last axis of A
                "MatMul" => 2.0 * Product(Out()) * Dims(0)[^1],
                _ => 0,
            };
        }

        return total;
    }

    private static double Product(IEnumerable<long> dims) => dims.Aggregate(1.0, (a, d) => a * d);
}
