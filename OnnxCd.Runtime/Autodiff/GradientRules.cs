using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using OnnxCd.Runtime.Autodiff.Rules;

namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// The table of what OnnxCd can differentiate: one line per ONNX op type (default domain). This is
/// the single source of truth; the validator and <c>onnxcd inspect</c> read it, and a test fails when
/// an entry has no numerical check.
/// </summary>
internal static class GradientRules
{
    private static readonly FrozenDictionary<string, GradientRule> s_byOpType =
        new Dictionary<string, GradientRule>(StringComparer.Ordinal)
        {
            // Arithmetic
            ["Add"] = GradientRule.Of(ElementwiseRules.Add),
            ["Sub"] = GradientRule.Of(ElementwiseRules.Sub),
            ["Mul"] = GradientRule.Of(ElementwiseRules.Mul),
            ["Div"] = GradientRule.Of(ElementwiseRules.Div),
            ["Pow"] = GradientRule.Of(ElementwiseRules.Pow, ElementwiseRules.PowCheck),
            ["Neg"] = GradientRule.Of(ElementwiseRules.Neg),
            ["Abs"] = GradientRule.Of(ElementwiseRules.Abs),
            ["Exp"] = GradientRule.Of(ElementwiseRules.Exp),
            ["Log"] = GradientRule.Of(ElementwiseRules.Log),
            ["Sqrt"] = GradientRule.Of(ElementwiseRules.Sqrt),
            ["Reciprocal"] = GradientRule.Of(ElementwiseRules.Reciprocal),
            ["Sum"] = GradientRule.Of(ElementwiseRules.Sum),
            ["Mean"] = GradientRule.Of(ElementwiseRules.Mean),
            ["Where"] = GradientRule.Of(ElementwiseRules.Where),
            ["Expand"] = GradientRule.Of(ElementwiseRules.PassThrough),
            ["Identity"] = GradientRule.Of(ElementwiseRules.PassThrough),
            ["Dropout"] = GradientRule.Of(ElementwiseRules.PassThrough, ElementwiseRules.DropoutCheck),
            ["Cast"] = GradientRule.Of(ElementwiseRules.Cast),
            ["CastLike"] = GradientRule.Of(ElementwiseRules.Cast),
            ["Max"] = GradientRule.Of(ElementwiseRules.MaxMin),
            ["Min"] = GradientRule.Of(ElementwiseRules.MaxMin),
            ["Mod"] = GradientRule.Of(ElementwiseRules.Mod, n => RuleChecks.OnlyInputs(n, 0)),

            // Trigonometric
            ["Sin"] = GradientRule.Of(TrigonometricRules.Sin),
            ["Cos"] = GradientRule.Of(TrigonometricRules.Cos),
            ["Tan"] = GradientRule.Of(TrigonometricRules.Tan),
            ["Asin"] = GradientRule.Of(TrigonometricRules.Asin),
            ["Acos"] = GradientRule.Of(TrigonometricRules.Acos),
            ["Atan"] = GradientRule.Of(TrigonometricRules.Atan),
            ["Sinh"] = GradientRule.Of(TrigonometricRules.Sinh),
            ["Cosh"] = GradientRule.Of(TrigonometricRules.Cosh),
            ["Asinh"] = GradientRule.Of(TrigonometricRules.Asinh),
            ["Acosh"] = GradientRule.Of(TrigonometricRules.Acosh),
            ["Atanh"] = GradientRule.Of(TrigonometricRules.Atanh),

            // Activations
            ["Relu"] = GradientRule.Of(ActivationRules.Relu),
            ["LeakyRelu"] = GradientRule.Of(ActivationRules.LeakyRelu),
            ["PRelu"] = GradientRule.Of(ActivationRules.PRelu, n => RuleChecks.OnlyInputs(n, 0)),
            ["ThresholdedRelu"] = GradientRule.Of(ActivationRules.ThresholdedRelu),
            ["Clip"] = GradientRule.Of(ActivationRules.Clip, n => RuleChecks.OnlyInputs(n, 0)),
            ["Sigmoid"] = GradientRule.Of(ActivationRules.Sigmoid),
            ["Tanh"] = GradientRule.Of(ActivationRules.Tanh),
            ["HardSigmoid"] = GradientRule.Of(ActivationRules.HardSigmoid),
            ["HardSwish"] = GradientRule.Of(ActivationRules.HardSwish),
            ["Elu"] = GradientRule.Of(ActivationRules.Elu),
            ["Selu"] = GradientRule.Of(ActivationRules.Selu),
            ["Softplus"] = GradientRule.Of(ActivationRules.Softplus),
            ["Softsign"] = GradientRule.Of(ActivationRules.Softsign),
            ["Celu"] = GradientRule.Of(ActivationRules.Celu),
            ["Shrink"] = GradientRule.Of(ActivationRules.Shrink),
            ["Erf"] = GradientRule.Of(ActivationRules.Erf),
            ["Mish"] = GradientRule.Of(ActivationRules.Mish),
            ["Gelu"] = GradientRule.Of(ActivationRules.Gelu),
            ["Softmax"] = GradientRule.Of(ActivationRules.Softmax),
            ["LogSoftmax"] = GradientRule.Of(ActivationRules.LogSoftmax),

            // Losses
            ["NegativeLogLikelihoodLoss"] = GradientRule.Of(LossRules.NegativeLogLikelihoodLoss, n => RuleChecks.OnlyInputs(n, 0)),
            ["SoftmaxCrossEntropyLoss"] = GradientRule.Of(LossRules.SoftmaxCrossEntropyLoss, n => RuleChecks.OnlyInputs(n, 0)),

            // Normalisation
            ["BatchNormalization"] = GradientRule.Of(NormalizationRules.BatchNormalization, NormalizationRules.BatchNormalizationCheck),
            ["LayerNormalization"] = GradientRule.Of(NormalizationRules.LayerNormalization, NormalizationRules.LayerNormalizationCheck),
            ["GroupNormalization"] = GradientRule.Of(NormalizationRules.GroupNormalization, NormalizationRules.GroupNormalizationCheck),
            ["InstanceNormalization"] = GradientRule.Of(NormalizationRules.InstanceNormalization, n => RuleChecks.OnlyInputs(n, 0)),
            ["LRN"] = GradientRule.Of(NormalizationRules.LRN, n => RuleChecks.StaticBeyondBatch(n, 0)),

            // Convolution and pooling
            ["Conv"] = GradientRule.Of(ConvolutionRules.Conv, ConvolutionRules.ConvCheck),
            ["ConvTranspose"] = GradientRule.Of(ConvolutionRules.ConvTranspose, ConvolutionRules.ConvCheck),
            ["MaxPool"] = GradientRule.Of(PoolingRules.MaxPool, PoolingRules.MaxPoolCheck),
            ["AveragePool"] = GradientRule.Of(PoolingRules.AveragePool, PoolingRules.AveragePoolCheck),
            ["GlobalAveragePool"] = GradientRule.Of(ReductionRules.GlobalAveragePool, ReductionRules.GlobalPoolCheck),
            ["GlobalMaxPool"] = GradientRule.Of(ReductionRules.GlobalMaxPool, ReductionRules.GlobalPoolCheck),

            // Reductions
            ["ReduceSum"] = GradientRule.Of(ReductionRules.ReduceSum, ReductionRules.ReduceCheck),
            ["ReduceMean"] = GradientRule.Of(ReductionRules.ReduceMean, ReductionRules.ReduceCheck),
            ["ReduceMax"] = GradientRule.Of(ReductionRules.ReduceMaxMin, ReductionRules.ReduceCheck),
            ["ReduceMin"] = GradientRule.Of(ReductionRules.ReduceMaxMin, ReductionRules.ReduceCheck),
            ["ReduceProd"] = GradientRule.Of(ReductionRules.ReduceProd, ReductionRules.ReduceCheck),
            ["ReduceSumSquare"] = GradientRule.Of(ReductionRules.ReduceSumSquare, ReductionRules.ReduceCheck),
            ["ReduceL1"] = GradientRule.Of(ReductionRules.ReduceL1, ReductionRules.ReduceCheck),
            ["ReduceL2"] = GradientRule.Of(ReductionRules.ReduceL2, ReductionRules.ReduceCheck),
            ["ReduceLogSumExp"] = GradientRule.Of(ReductionRules.ReduceLogSumExp, ReductionRules.ReduceCheck),
            ["ReduceLogSum"] = GradientRule.Of(ReductionRules.ReduceLogSum, ReductionRules.ReduceCheck),
            ["CumSum"] = GradientRule.Of(ReductionRules.CumSum, n => RuleChecks.OnlyInputs(n, 0) ?? RuleChecks.ConstantInput(n, 1, "CumSum axis")),

            // Linear algebra
            ["Gemm"] = GradientRule.Of(LinearAlgebraRules.Gemm),
            ["MatMul"] = GradientRule.Of(LinearAlgebraRules.MatMul),
            ["Einsum"] = GradientRule.Of(LinearAlgebraRules.Einsum, LinearAlgebraRules.EinsumCheck),

            // Moving and selecting elements
            ["Reshape"] = GradientRule.Of(ShapeRules.Reshape),
            ["Flatten"] = GradientRule.Of(ShapeRules.Reshape),
            ["Squeeze"] = GradientRule.Of(ShapeRules.Reshape),
            ["Unsqueeze"] = GradientRule.Of(ShapeRules.Reshape),
            ["Transpose"] = GradientRule.Of(ShapeRules.Transpose),
            ["Concat"] = GradientRule.Of(ShapeRules.Concat, ShapeRules.ConcatCheck),
            ["Split"] = GradientRule.Of(ShapeRules.Split, ShapeRules.SplitCheck),
            ["Slice"] = GradientRule.Of(ShapeRules.Slice, ShapeRules.SliceCheck),
            ["Pad"] = GradientRule.Of(ShapeRules.Pad, ShapeRules.PadCheck),
            ["Gather"] = GradientRule.Of(ShapeRules.Gather, ShapeRules.GatherCheck),
            ["Tile"] = GradientRule.Of(ShapeRules.Tile, ShapeRules.TileCheck),
            ["Resize"] = GradientRule.Of(ShapeRules.Resize, ShapeRules.ResizeCheck),
            ["SpaceToDepth"] = GradientRule.Of(ShapeRules.SpaceToDepth),
            ["DepthToSpace"] = GradientRule.Of(ShapeRules.DepthToSpace),
            ["GatherElements"] = GradientRule.Of(IndexingRules.GatherElements, n => RuleChecks.OnlyInputs(n, 0)),
            ["GatherND"] = GradientRule.Of(IndexingRules.GatherND, IndexingRules.GatherNDCheck),
            ["ScatterElements"] = GradientRule.Of(IndexingRules.ScatterElements, IndexingRules.ScatterCheck),
            ["ScatterND"] = GradientRule.Of(IndexingRules.ScatterND, IndexingRules.ScatterCheck),
            ["TopK"] = GradientRule.Of(IndexingRules.TopK, IndexingRules.TopKCheck),
            ["Trilu"] = GradientRule.Of(IndexingRules.Trilu, n => RuleChecks.OnlyInputs(n, 0)),

            // No gradient: shape computations, constants, comparisons, logic, indices, and
            // piecewise-constant functions (zero gradient almost everywhere, as in PyTorch).
            ["Shape"] = GradientRule.NoGradient,
            ["Size"] = GradientRule.NoGradient,
            ["Constant"] = GradientRule.NoGradient,
            ["ConstantOfShape"] = GradientRule.NoGradient,
            ["Range"] = GradientRule.NoGradient,
            ["Equal"] = GradientRule.NoGradient,
            ["Greater"] = GradientRule.NoGradient,
            ["GreaterOrEqual"] = GradientRule.NoGradient,
            ["Less"] = GradientRule.NoGradient,
            ["LessOrEqual"] = GradientRule.NoGradient,
            ["Not"] = GradientRule.NoGradient,
            ["And"] = GradientRule.NoGradient,
            ["Or"] = GradientRule.NoGradient,
            ["Xor"] = GradientRule.NoGradient,
            ["ArgMax"] = GradientRule.NoGradient,
            ["ArgMin"] = GradientRule.NoGradient,
            ["NonZero"] = GradientRule.NoGradient,
            ["Sign"] = GradientRule.NoGradient,
            ["Floor"] = GradientRule.NoGradient,
            ["Ceil"] = GradientRule.NoGradient,
            ["Round"] = GradientRule.NoGradient,
            ["Hardmax"] = GradientRule.NoGradient,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every op type with an entry, differentiable or not.</summary>
    public static IEnumerable<string> SupportedOpTypes => s_byOpType.Keys;

    public static bool TryGet(string domain, string opType, [NotNullWhen(true)] out GradientRule? rule)
    {
        if (domain is "" or "ai.onnx")
        {
            return s_byOpType.TryGetValue(opType, out rule);
        }

        rule = null;
        return false;
    }
}
