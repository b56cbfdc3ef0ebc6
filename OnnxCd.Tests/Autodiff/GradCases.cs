using OnnxCd.Tests.TestSupport;
using static OnnxCd.Runtime.Graph.Attributes;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Autodiff;

/// <summary>
/// Every numerical gradient check, by rule family. Domains keep finite differences honest (inputs
/// away from kinks and ties); tolerances are named in <see cref="Tolerance"/> with their reasons.
/// </summary>
internal static class GradCases
{
    private static readonly DataType F64 = DataType.Double;

    public static IReadOnlyList<GradCase> All { get; } =
    [
        .. Elementwise(), .. Activations(), .. Losses(), .. Normalization(), .. Convolution(), .. Pooling(),
        .. Reductions(), .. LinearAlgebra(), .. ShapeOps(), .. NoGradientOps(),
    ];

    public static GradCase ByName(string name) => All.Single(c => c.Name == name);

    private static Sampler Away(params double[] points) => Sampler.AwayFrom(points, 0.1);

    private static IEnumerable<GradCase> Elementwise()
    {
        long[][][] broadcastPairs =
        [
            [[3, 4], [3, 4]], [[3, 4], [1, 4]], [[3, 4], [3, 1]], [[2, 3, 4], [4]], [[3, 4], []], [[1, 4], [3, 1]],
        ];
        foreach (var op in new[] { "Add", "Sub", "Mul" })
        {
            foreach (var pair in broadcastPairs)
            {
                yield return GradCase.Op(op, [In.X(pair[0]), In.X(pair[1])], type: F64);
            }

            yield return GradCase.Op(op, [In.Batched(2, 3, 4), In.X(1, 3, 1)], type: F64);
        }

        foreach (var pair in broadcastPairs)
        {
            yield return GradCase.Op("Div", [In.X(pair[0]), In.X(Away(0, 0.4, -0.4), pair[1])], type: F64);
        }

        yield return GradCase.Op("Pow", [In.X(Sampler.Uniform(0.5, 2), 3, 4), In.Const([2.5], [])], type: F64);
        yield return GradCase.Op("Pow", [In.X(3, 4), In.Const([3], [])], type: F64, note: "negative base");
        yield return GradCase.Op("Pow", [In.X(Sampler.Uniform(0.5, 2), 3, 4), In.Const([0.5, 1, 2, 3], [4])], type: F64, note: "per-column exponent");
        yield return GradCase.Graph(
            "Pow-17 computed exponent",
            () =>
            {
                var g = new TestGraph(17, F64);
                var x = g.Input("x", [2, 3]);
                var p = g.Node("Add", [g.Constant([1], []), g.Constant([0.5], [])]);
                g.Output(g.Node("Pow", [x, p]));
                return g;
            },
            Tolerance.Smooth64,
            ("x", Sampler.Uniform(0.5, 2)));
        yield return GradCase.Op("Neg", [In.X(3, 4)], type: F64);
        yield return GradCase.Op("Abs", [In.X(Away(0), 3, 4)], type: F64);
        yield return GradCase.Op("Exp", [In.X(3, 4)], type: F64);
        yield return GradCase.Op("Log", [In.X(Sampler.Uniform(0.2, 3), 3, 4)], type: F64);
        yield return GradCase.Op("Sqrt", [In.X(Sampler.Uniform(0.2, 3), 3, 4)], type: F64);
        yield return GradCase.Op("Reciprocal", [In.X(Away(0, 0.4, -0.4), 3, 4)], type: F64);
        yield return GradCase.Op("Sum", [In.X(2, 3, 4), In.X(3, 1), In.X(4)], type: F64);
        yield return GradCase.Op("Mean", [In.X(2, 3, 4), In.X(3, 1), In.X(4)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Where", [In.Const([1, 0, 1, 1, 0, 0], [2, 3], DataType.Bool), In.X(2, 3), In.X(3)], type: F64);
        yield return GradCase.Op("Where", [In.Const([1, 0, 1], [3], DataType.Bool), In.Batched(2, 4, 3), In.X(1, 3)], type: F64);
        yield return GradCase.Op("Expand", [In.X(3, 1), In.Ints(2, 3, 4)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Expand", [In.Batched(2, 1, 4), In.Ints(1, 3, 1)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Identity", [In.X(3, 4)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Dropout", [In.X(3, 4), In.Const([0.5], []), In.Const([0], [], DataType.Bool)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Dropout", [In.X(3, 4)], opset: 11, tol: Tolerance.Linear32);
        yield return GradCase.Op("Cast", [In.X(3, 4)], [Int("to", (long)DataType.Double)], tol: Tolerance.Linear32);
        yield return GradCase.Op("CastLike", [In.X(3, 4), In.Const([0], [1], DataType.Double)], tol: Tolerance.Linear32, opset: 15);

        // Random inputs are tied with probability 0. Ties share the gradient (PyTorch's convention): then
        // max(x, x, x) = x has derivative 1, which finite differences check.
        foreach (var op in new[] { "Max", "Min" })
        {
            yield return GradCase.Op(op, [In.X(3, 4), In.X(1, 4), In.X(3, 1)], type: F64);
            yield return GradCase.Op(op, [In.Batched(2, 3), In.X(3)], type: F64);
            yield return GradCase.Graph(
                $"{op}-17 of one input three times (ties)",
                () =>
                {
                    var g = new TestGraph();
                    var x = g.Input("x", [3, 4]);
                    g.Output(g.Node(op, [x, x, x]));
                    return g;
                },
                Tolerance.Linear32);
        }

        yield return GradCase.Op("Mod", [In.X(Sampler.AwayFrom([-3, -1.5, 0, 1.5, 3], 0.1), 3, 4), In.Const([1.5], [1])], [Int("fmod", 1)], tol: Tolerance.Piecewise32);
    }

    private static IEnumerable<GradCase> Losses()
    {
        static In Labels(long[] values, params long[] dims) => In.Const(values.Select(v => (double)v).ToArray(), dims, DataType.Int64);
        In weights = In.Const([0.5, 2, 1, 1.5], [4]);
        yield return GradCase.Op("NegativeLogLikelihoodLoss", [In.X(3, 4), Labels([2, 0, 3], 3)], type: F64, note: "mean");
        yield return GradCase.Op("NegativeLogLikelihoodLoss", [In.X(3, 4), Labels([2, 0, 3], 3), weights], [String("reduction", "sum")], type: F64);
        yield return GradCase.Op("NegativeLogLikelihoodLoss", [In.X(2, 4, 3), Labels([1, 1, 0, 3, 2, 1], 2, 3), weights], [Int("ignore_index", 1)], type: F64, note: "weighted mean over [N,d]");
        yield return GradCase.Op("NegativeLogLikelihoodLoss", [In.X(2, 4, 3), Labels([1, 1, 0, 3, 2, 1], 2, 3)], [String("reduction", "none"), Int("ignore_index", 3)], type: F64);
        yield return GradCase.Op("SoftmaxCrossEntropyLoss", [In.X(3, 4), Labels([2, 0, 3], 3)], type: F64, note: "mean");
        yield return GradCase.Op("SoftmaxCrossEntropyLoss", [In.X(2, 4, 3), Labels([1, 1, 0, 3, 2, 1], 2, 3), weights], [String("reduction", "none"), Int("ignore_index", 0)], outputs: 2, type: F64, note: "with log_prob");
    }

    private static IEnumerable<GradCase> Activations()
    {
        yield return GradCase.Op("Relu", [In.Batched(Away(0), 2, 3, 4, 4)], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("LeakyRelu", [In.X(Away(0), 3, 4)], [Float("alpha", 0.1)], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("PRelu", [In.Batched(Away(0), 2, 3, 4, 4), In.Const([0.1, 0.2, -0.3], [3, 1, 1])], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("ThresholdedRelu", [In.X(Away(0.5), 3, 4)], [Float("alpha", 0.5)], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("Clip", [In.X(Away(0, 1), 3, 4), In.Const([0], []), In.Const([1], [])], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("Clip", [In.X(Sampler.AwayFrom([0, 6], 0.1, -2, 8), 3, 4), In.Const([0], []), In.Const([6], [])], tol: Tolerance.Piecewise32, note: "relu6");
        yield return GradCase.Op("Clip", [In.X(Away(-0.5), 3, 4), In.Const([-0.5], [])], tol: Tolerance.Piecewise32, note: "min only");
        yield return GradCase.Op("Clip", [In.X(Away(0.5), 3, 4), In.None, In.Const([0.5], [])], tol: Tolerance.Piecewise32, note: "max only");
        yield return GradCase.Op("Sigmoid", [In.X(3, 4)], type: F64);
        yield return GradCase.Op("Tanh", [In.X(3, 4)], type: F64);
        yield return GradCase.Op("HardSigmoid", [In.X(Sampler.AwayFrom([-2.5, 2.5], 0.1, -4, 4), 3, 4)], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("HardSigmoid", [In.X(Sampler.AwayFrom([-3, 3], 0.1, -4, 4), 3, 4)], [Float("alpha", 1.0 / 6), Float("beta", 0.5)], tol: Tolerance.Piecewise32, note: "torch");
        yield return GradCase.Op("HardSwish", [In.X(Sampler.AwayFrom([-3, 3], 0.1, -5, 5), 4, 5)]);
        yield return GradCase.Op("Elu", [In.X(Away(0), 3, 4)], [Float("alpha", 0.7)]);
        yield return GradCase.Op("Selu", [In.X(Away(0), 3, 4)]);
        yield return GradCase.Op("Softplus", [In.X(3, 4)]);
        yield return GradCase.Op("Softsign", [In.X(Away(0), 3, 4)]);
        yield return GradCase.Op("Erf", [In.X(3, 4)]);
        yield return GradCase.Op("Celu", [In.X(Away(0), 3, 4)], [Float("alpha", 0.7)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Shrink", [In.X(Sampler.AwayFrom([-0.5, 0.5], 0.1), 3, 4)], [Float("bias", 0.2)], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("Hardmax", [In.X(Sampler.Distinct(0.2), 3, 4)], tol: Tolerance.Piecewise32, note: "zero almost everywhere");
        yield return GradCase.Op("Sin", [In.X(3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Cos", [In.X(3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Tan", [In.X(Sampler.Uniform(-1, 1), 3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Asin", [In.X(Sampler.Uniform(-0.7, 0.7), 3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Acos", [In.X(Sampler.Uniform(-0.7, 0.7), 3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Atan", [In.X(3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Sinh", [In.X(3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Cosh", [In.X(3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Asinh", [In.X(3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Acosh", [In.X(Sampler.Uniform(1.2, 3), 3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Atanh", [In.X(Sampler.Uniform(-0.7, 0.7), 3, 4)], tol: Tolerance.Smooth32);
        yield return GradCase.Op("Mish", [In.X(3, 4)], opset: 18);
        yield return GradCase.Op("Gelu", [In.X(3, 4)], opset: 20);
        yield return GradCase.Op("Gelu", [In.X(3, 4)], [String("approximate", "tanh")], opset: 20);
        yield return GradCase.Op("Softmax", [In.X(2, 3, 4)], type: F64);
        yield return GradCase.Op("Softmax", [In.Batched(2, 3, 4)], [Int("axis", 1)], type: F64);
        yield return GradCase.Op("Softmax", [In.X(2, 3, 4)], opset: 11, type: F64, note: "legacy: axes 1..2");
        yield return GradCase.Op("Softmax", [In.X(2, 3, 4)], [Int("axis", 2)], opset: 11, type: F64);
        yield return GradCase.Op("Softmax", [In.X(2, 3, 4)], [Int("axis", 1)], opset: 24, type: F64);
        yield return GradCase.Op("LogSoftmax", [In.X(2, 3, 4)], type: F64);
        yield return GradCase.Op("LogSoftmax", [In.X(2, 3, 4)], [Int("axis", 0)], type: F64);
        yield return GradCase.Op("LogSoftmax", [In.X(2, 3, 4)], opset: 11, type: F64, note: "legacy: axes 1..2");
    }

    private static IEnumerable<GradCase> Normalization()
    {
        yield return GradCase.Op(
            "BatchNormalization",
            [In.Batched(2, 3, 4, 4), In.Const([1.5, 0.5, -1], [3]), In.Const([0.1, 0.2, 0.3], [3]), In.Const([0.2, -0.1, 0], [3]), In.Const([0.5, 2, 1], [3])],
            [Float("epsilon", 1e-3)],
            tol: Tolerance.Linear32);
        yield return GradCase.Op(
            "BatchNormalization",
            [In.X(2, 3, 5), In.Const([1.5, 0.5, -1], [3]), In.Const([0.1, 0.2, 0.3], [3]), In.Const([0.2, -0.1, 0], [3]), In.Const([0.5, 2, 1], [3])],
            opset: 11,
            tol: Tolerance.Linear32);
        yield return GradCase.Op("LayerNormalization", [In.Batched(2, 3, 4), In.Const([1, 2, 0.5, -1], [4]), In.Const([0, 0.1, 0.2, 0.3], [4])], type: F64);
        // ONNX Runtime has InstanceNormalization for float32 only.
        yield return GradCase.Op("InstanceNormalization", [In.Batched(2, 3, 4, 5), In.Const([1, 2, -0.5], [3]), In.Const([0, 0.1, 0.2], [3])], tol: Tolerance.Smooth32);
        yield return GradCase.Op("GroupNormalization", [In.Batched(2, 4, 3, 3), In.Const([1, -0.5], [2]), In.Const([0, 0.1], [2])], [Int("num_groups", 2)], opset: 18, tol: Tolerance.Smooth32, note: "scale per group");
        yield return GradCase.Op("GroupNormalization", [In.Batched(2, 4, 3, 3), In.Const([1, -0.5, 2, 0.7], [4]), In.Const([0, 0.1, 0.2, 0.3], [4])], [Int("num_groups", 2)], opset: 21, tol: Tolerance.Smooth32, note: "scale per channel");
        yield return GradCase.Op("InstanceNormalization", [In.X(2, 3, 6), In.Const([1, 2, -0.5], [3]), In.Const([0, 0.1, 0.2], [3])], [Float("epsilon", 1e-2)], tol: Tolerance.Smooth32, note: "1-D");
        yield return GradCase.Op("LRN", [In.Batched(2, 6, 3, 3)], [Int("size", 3), Float("alpha", 0.5), Float("beta", 0.75), Float("bias", 2)], tol: Tolerance.Smooth32, note: "AlexNet-style odd window");
        yield return GradCase.Op("LRN", [In.X(1, 5, 2, 3)], [Int("size", 5), Float("alpha", 0.8), Float("beta", 0.6)], tol: Tolerance.Smooth32, note: "window past both ends");
        yield return GradCase.Op(
            "LayerNormalization",
            [In.X(2, 3, 4), In.Const(Enumerable.Range(0, 12).Select(i => 0.5 + (0.1 * i)).ToArray(), [3, 4])],
            [Int("axis", 1), Float("epsilon", 1e-3)],
            type: F64);
        yield return GradCase.Op("LayerNormalization", [In.X(2, 3, 4), In.Const([1, 2, 0.5, -1], [4])], outputs: 3, note: "statistics exposed");
        foreach (int[] statistics in new[] { new[] { 1, 2 }, [2] })
        {
            yield return GradCase.Graph(
                $"LayerNormalization-17 statistics [{string.Join(",", statistics)}] only, Y not on the path",
                () =>
                {
                    var g = new TestGraph();
                    var outputs = g.NodeMulti("LayerNormalization", [g.Input("x", [2, 3, 4]), g.Constant([1, 2, 0.5, -1], [4])], 3);
                    foreach (var k in statistics)
                    {
                        g.Output(outputs[k]);
                    }

                    return g;
                },
                Tolerance.Smooth32,
                ("x", Sampler.Uniform(-2, 2)));
        }
    }

    private static IEnumerable<GradCase> Convolution()
    {
        static In W(params long[] dims) => In.Const(Weights(dims), dims);

        yield return GradCase.Op("Conv", [In.Batched(2, 3, 6, 6), W(4, 3, 3, 3)], [Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Linear32);
        yield return GradCase.Op("Conv", [In.X(1, 3, 7, 7), W(4, 3, 3, 3), In.Const([0.1, 0.2, 0.3, 0.4], [4])], [Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Linear32);
        yield return GradCase.Op("Conv", [In.X(1, 3, 8, 8), W(4, 3, 3, 3)], [Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Linear32);
        yield return GradCase.Op("Conv", [In.X(1, 4, 5, 5), W(6, 2, 3, 3)], [Int("group", 2), Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Linear32);
        yield return GradCase.Op("Conv", [In.X(1, 3, 6, 6), W(3, 1, 3, 3)], [Int("group", 3), Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Linear32, note: "depthwise");
        yield return GradCase.Op("Conv", [In.X(1, 2, 9, 9), W(3, 2, 3, 3)], [Ints("dilations", [2, 2]), Ints("pads", [2, 2, 2, 2])], tol: Tolerance.Linear32);
        yield return GradCase.Op("Conv", [In.X(1, 2, 10, 10), W(3, 2, 3, 3)], [Ints("dilations", [2, 2]), Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Linear32);
        yield return GradCase.Op("Conv", [In.X(1, 2, 7, 8), W(3, 2, 3, 3)], [Ints("pads", [0, 1, 1, 2])], tol: Tolerance.Linear32, note: "asymmetric");
        yield return GradCase.Op("Conv", [In.X(1, 2, 7, 8), W(3, 2, 2, 3)], [Ints("strides", [2, 3]), Ints("pads", [2, 0, 1, 1]), Ints("dilations", [2, 1])], tol: Tolerance.Linear32, note: "asymmetric");
        yield return GradCase.Op("Conv", [In.X(1, 2, 7, 8), W(3, 2, 3, 3)], [String("auto_pad", "SAME_UPPER"), Ints("strides", [2, 2])], tol: Tolerance.Linear32);
        yield return GradCase.Op("Conv", [In.X(1, 2, 7, 8), W(3, 2, 4, 4)], [String("auto_pad", "SAME_LOWER")], tol: Tolerance.Linear32);
        yield return GradCase.Op("Conv", [In.X(1, 2, 7, 8), W(3, 2, 3, 3)], [String("auto_pad", "VALID"), Ints("strides", [2, 2])], tol: Tolerance.Linear32);
        yield return GradCase.Op("Conv", [In.Batched(2, 4, 8, 8), W(6, 4, 1, 1)], [Ints("strides", [2, 2])], tol: Tolerance.Linear32, note: "resnet downsample");
        yield return GradCase.Op("Conv", [In.X(1, 3, 12, 12), W(4, 3, 7, 7)], [Ints("strides", [2, 2]), Ints("pads", [3, 3, 3, 3])], tol: Tolerance.Linear32, note: "resnet stem");
        yield return GradCase.Op("Conv", [In.Batched(2, 3, 9), W(4, 3, 3)], [Ints("strides", [2]), Ints("pads", [1, 0])], tol: Tolerance.Linear32, note: "1-D");
        yield return GradCase.Op("Conv", [In.X(1, 2, 4, 5, 5), W(2, 2, 3, 3, 3)], [Ints("pads", [1, 1, 1, 1, 1, 1])], tol: Tolerance.Linear32, note: "3-D");
        yield return GradCase.Op("Conv", [In.Batched(2, 4, 6, 6), W(4, 1, 3, 3)], [Int("group", 4), Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Linear32, note: "depthwise, stride 1");
        yield return GradCase.Op("Conv", [In.Batched(2, 4, 5, 5), W(6, 4, 1, 1)], [], tol: Tolerance.Linear32, note: "1×1, stride 1");
        yield return GradCase.Op("Conv", [In.X(1, 2, 6, 6), W(3, 2, 3, 3)], [Ints("pads", [3, 0, 0, 3])], tol: Tolerance.Linear32, note: "pad beyond the kernel's reach: ConvTranspose path");
        yield return GradCase.Op("ConvTranspose", [In.X(1, 4, 3, 3), W(4, 2, 3, 3)], [Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1]), Ints("output_padding", [1, 1])], tol: Tolerance.Linear32);
        yield return GradCase.Op("ConvTranspose", [In.Batched(2, 4, 3, 4), W(4, 1, 2, 2)], [Int("group", 2), Ints("strides", [2, 2])], tol: Tolerance.Linear32);
        yield return GradCase.Op("ConvTranspose", [In.X(1, 2, 3, 4), W(2, 3, 3, 3)], [Ints("strides", [2, 2]), String("auto_pad", "SAME_UPPER")], tol: Tolerance.Linear32, note: "odd total padding");
        yield return GradCase.Op("ConvTranspose", [In.X(1, 2, 3, 4), W(2, 3, 3, 3)], [Ints("strides", [2, 2]), String("auto_pad", "SAME_LOWER")], tol: Tolerance.Linear32, note: "odd total padding");
        yield return GradCase.Op("ConvTranspose", [In.Batched(2, 2, 3, 3), W(2, 2, 3, 3)], [Ints("strides", [3, 2]), Ints("output_shape", [9, 6])], tol: Tolerance.Linear32, note: "output_shape below the natural size");
        yield return GradCase.Op("ConvTranspose", [In.X(1, 2, 3, 3), W(2, 2, 3, 3)], [Ints("strides", [3, 2]), Ints("output_shape", [10, 8])], tol: Tolerance.Linear32, note: "output_shape past the natural size");
    }

    private static IEnumerable<GradCase> Pooling()
    {
        var distinct = Sampler.Distinct(0.1);
        yield return GradCase.Op("MaxPool", [In.Batched(distinct, 2, 3, 6, 6)], [Ints("kernel_shape", [2, 2]), Ints("strides", [2, 2])], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("MaxPool", [In.Batched(distinct, 2, 2, 7, 7)], [Ints("kernel_shape", [3, 3]), Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Piecewise32, note: "overlapping");
        yield return GradCase.Op("MaxPool", [In.X(distinct, 1, 2, 6, 6)], [Ints("kernel_shape", [3, 3]), Ints("strides", [2, 2]), Int("ceil_mode", 1)], tol: Tolerance.Piecewise32);
        foreach (var (kernel, note) in new[] { (2L, "windows apart"), (3L, "overlapping windows") })
        {
            // The model reads the column-major Indices itself (H ≠ W, so the two orders differ): the rule converts them.
            yield return GradCase.Graph(
                $"MaxPool-17 storage_order 1 with the model's own Indices, {note}",
                () =>
                {
                    var g = new TestGraph();
                    var x = g.Input("x", [1, 2, 4, 6]);
                    var pooled = g.NodeMulti("MaxPool", [x], 2, Ints("kernel_shape", [2, kernel]), Ints("strides", [2, 2]), Int("storage_order", 1));
                    var indices = g.Node("Cast", [pooled[1]], Int("to", (long)DataType.Float));
                    g.Output(g.Node("Add", [pooled[0], g.Node("Mul", [indices, g.Constant([0], [])])]));
                    return g;
                },
                Tolerance.Piecewise32,
                ("x", distinct));
        }
        yield return GradCase.Op("MaxPool", [In.Batched(distinct, 2, 3, 4, 4)], [Ints("kernel_shape", [3, 3]), Ints("strides", [2, 2]), Int("ceil_mode", 1)], tol: Tolerance.Piecewise32, note: "googlenet maxpool3");
        yield return GradCase.Op("MaxPool", [In.X(distinct, 1, 2, 5, 5)], [Ints("kernel_shape", [2, 2]), Ints("strides", [2, 2]), Int("ceil_mode", 1)], tol: Tolerance.Piecewise32, note: "partial windows");
        yield return GradCase.Op("MaxPool", [In.X(distinct, 1, 2, 6, 6)], [Ints("kernel_shape", [3, 3]), Ints("strides", [1, 1])], opset: 12, tol: Tolerance.Piecewise32, note: "overlapping at opset 12, lifted to 17");
        yield return GradCase.Op("MaxPool", [In.X(distinct, 1, 2, 6, 6)], [Ints("kernel_shape", [3, 3]), Ints("strides", [1, 1])], opset: 24, tol: Tolerance.Piecewise32, note: "overlapping at opset 24, the newest ONNX Runtime 1.31 runs");
        yield return GradCase.Op("MaxPool", [In.X(distinct, 1, 2, 7, 7)], [Ints("kernel_shape", [3, 3]), Ints("strides", [1, 1]), Int("storage_order", 1)], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("MaxPool", [In.X(distinct, 1, 2, 5, 5)], [Ints("kernel_shape", [2, 2]), Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Piecewise32, note: "padded windows");
        yield return GradCase.Op("MaxPool", [In.X(distinct, 1, 2, 9, 9)], [Ints("kernel_shape", [2, 2]), Ints("strides", [4, 4]), Ints("dilations", [2, 2])], tol: Tolerance.Piecewise32, note: "dilated, apart");
        yield return GradCase.Op("MaxPool", [In.Batched(distinct, 2, 3, 7)], [Ints("kernel_shape", [2]), Ints("strides", [2])], tol: Tolerance.Piecewise32, note: "1-D");
        yield return GradCase.Op("MaxPool", [In.X(distinct, 1, 2, 4, 4, 4)], [Ints("kernel_shape", [2, 2, 2]), Ints("strides", [2, 2, 2])], tol: Tolerance.Piecewise32, note: "3-D");
        yield return GradCase.Op("MaxPool", [In.X(distinct, 1, 2, 6, 6)], [Ints("kernel_shape", [2, 2]), Ints("strides", [2, 2])], type: F64, note: "float64");
        yield return GradCase.Graph(
            "Relu then MaxPool-17 2x2, dynamic batch",
            () =>
            {
                var g = new TestGraph();
                var x = g.Input("x", [2, 3, 6, 6], dynamicBatch: true);
                var pooled = g.Node("MaxPool", [g.Node("Relu", [x])], Ints("kernel_shape", [2, 2]), Ints("strides", [2, 2]));
                g.Output(pooled);
                return g;
            },
            Tolerance.Piecewise32,
            ("x", Sampler.Distinct(0.1)));
        yield return GradCase.Graph(
            "Relu read by MaxPool-17 and Sigmoid",
            () =>
            {
                var g = new TestGraph();
                var x = g.Input("x", [1, 2, 4, 4]);
                var relu = g.Node("Relu", [x]);
                g.Output(g.Node("MaxPool", [relu], Ints("kernel_shape", [2, 2]), Ints("strides", [2, 2])));
                g.Output(g.Node("Sigmoid", [relu]));
                return g;
            },
            Tolerance.Piecewise32,
            ("x", Sampler.Distinct(0.1)));
        yield return GradCase.Graph(
            "Relu then MaxPool-17 with tied zeros",
            () =>
            {
                var g = new TestGraph();
                var x = g.Input("x", [2, 3, 4, 4], dynamicBatch: true);
                var pooled = g.Node("MaxPool", [g.Node("Relu", [x])], Ints("kernel_shape", [3, 3]), Ints("strides", [2, 2]), Int("ceil_mode", 1));
                g.Output(pooled);
                return g;
            },
            Tolerance.Piecewise32,
            ("x", Sampler.Distinct(0.1)));
        yield return GradCase.Op("AveragePool", [In.Batched(2, 3, 6, 6)], [Ints("kernel_shape", [2, 2]), Ints("strides", [2, 2])], tol: Tolerance.Linear32);
        yield return GradCase.Op("AveragePool", [In.X(1, 2, 7, 7)], [Ints("kernel_shape", [3, 3]), Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1])], tol: Tolerance.Linear32);
        yield return GradCase.Op("AveragePool", [In.X(1, 2, 7, 7)], [Ints("kernel_shape", [3, 3]), Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1]), Int("count_include_pad", 1)], tol: Tolerance.Linear32);
        yield return GradCase.Op("AveragePool", [In.X(1, 2, 6, 7)], [Ints("kernel_shape", [3, 3]), Ints("strides", [2, 2]), Int("ceil_mode", 1)], tol: Tolerance.Linear32);
        yield return GradCase.Op("AveragePool", [In.X(1, 2, 6, 7)], [Ints("kernel_shape", [3, 3]), Ints("strides", [2, 2]), Ints("pads", [1, 1, 1, 1]), Int("ceil_mode", 1), Int("count_include_pad", 1)], tol: Tolerance.Linear32);
        yield return GradCase.Op("AveragePool", [In.X(1, 2, 7, 8)], [Ints("kernel_shape", [2, 3]), Ints("strides", [1, 2]), Ints("pads", [0, 1, 1, 0])], tol: Tolerance.Linear32, note: "asymmetric");
        yield return GradCase.Op("AveragePool", [In.X(1, 2, 9, 9)], [Ints("kernel_shape", [3, 3]), Ints("strides", [2, 2]), Ints("dilations", [2, 2]), Ints("pads", [1, 1, 1, 1])], opset: 19, tol: Tolerance.Linear32, note: "dilated");
        yield return GradCase.Op("GlobalAveragePool", [In.Batched(2, 3, 4, 5)], tol: Tolerance.Linear32);
        yield return GradCase.Op("GlobalMaxPool", [In.Batched(distinct, 2, 3, 4, 5)], tol: Tolerance.Piecewise32);
    }

    private static IEnumerable<GradCase> Reductions()
    {
        yield return GradCase.Op("ReduceSum", [In.X(2, 3, 4), In.Ints(1)], [Int("keepdims", 0)], type: F64);
        yield return GradCase.Op("ReduceSum", [In.Batched(2, 3, 4), In.Ints(0, 2)], type: F64);
        yield return GradCase.Op("ReduceSum", [In.X(2, 3, 4)], type: F64, note: "all axes");
        yield return GradCase.Op("ReduceSum", [In.X(2, 3, 4)], [Int("noop_with_empty_axes", 1)], type: F64, note: "no-op");
        yield return GradCase.Op("ReduceSum", [In.X(2, 3, 4)], [Ints("axes", [-1]), Int("keepdims", 0)], opset: 11, type: F64);
        yield return GradCase.Op("ReduceMean", [In.X(2, 3, 4)], [Ints("axes", [-1]), Int("keepdims", 0)], type: F64);
        yield return GradCase.Op("ReduceMean", [In.Batched(2, 3, 4)], [Ints("axes", [0, 1])], type: F64, note: "dynamic axis");
        yield return GradCase.Op("ReduceMean", [In.Batched(2, 3, 4), In.Ints(0)], [Int("keepdims", 0)], opset: 18, type: F64, note: "dynamic axis");
        yield return GradCase.Op("ReduceMax", [In.X(Sampler.Distinct(0.1), 2, 3, 4)], [Ints("axes", [1]), Int("keepdims", 0)], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("ReduceMax", [In.X(Sampler.Distinct(0.1), 2, 3)], tol: Tolerance.Piecewise32, note: "all axes");
        yield return GradCase.Op("ReduceMin", [In.X(Sampler.Distinct(0.1), 2, 3, 4)], [Ints("axes", [0, 2])], tol: Tolerance.Piecewise32);
        yield return GradCase.Op("ReduceSumSquare", [In.X(2, 3, 4)], [Ints("axes", [1])], type: F64);
        yield return GradCase.Op("ReduceL1", [In.X(Away(0), 2, 3, 4)], [Ints("axes", [2]), Int("keepdims", 0)], type: F64);
        yield return GradCase.Op("ReduceL2", [In.X(2, 3, 4)], [Ints("axes", [2])], type: F64);
        yield return GradCase.Op("ReduceProd", [In.X(Sampler.Uniform(0.5, 1.5), 2, 3, 4)], [Ints("axes", [2])], type: F64);
        yield return GradCase.Op("ReduceProd", [In.Batched(Sampler.Uniform(-1.5, 1.5), 2, 3, 4), In.Ints(1, 2)], [Int("keepdims", 0)], opset: 18, type: F64);

        // Rows of [3,4] with no zero, one zero and two zeros: the product's gradient is exact there.
        yield return GradCase.Op("ReduceProd", [In.X(Sampler.ZerosAt([5, 8, 10]), 3, 4)], [Ints("axes", [1])], type: F64, note: "zeros");
        yield return GradCase.Op("ReduceLogSumExp", [In.X(2, 3, 4)], [Ints("axes", [1]), Int("keepdims", 0)], type: F64);
        yield return GradCase.Op("ReduceLogSum", [In.X(Sampler.Uniform(0.5, 2), 2, 3, 4)], [Ints("axes", [1]), Int("keepdims", 0)], type: F64);
        yield return GradCase.Op("ReduceLogSum", [In.X(Sampler.Uniform(0.5, 2), 2, 3)], type: F64, note: "all axes");
        yield return GradCase.Op("CumSum", [In.X(3, 4), In.Const([1], [], DataType.Int64)], type: F64);
        yield return GradCase.Op("CumSum", [In.Batched(2, 3, 4), In.Const([-2], [], DataType.Int64)], [Int("exclusive", 1), Int("reverse", 1)], type: F64);
        yield return GradCase.Op("CumSum", [In.X(5), In.Const([0], [], DataType.Int64)], [Int("reverse", 1)], type: F64);
    }

    private static IEnumerable<GradCase> LinearAlgebra()
    {
        yield return GradCase.Op("Einsum", [In.X(3, 4), In.X(4, 5)], [String("equation", "ij,jk->ik")], type: F64);
        yield return GradCase.Op("Einsum", [In.Batched(2, 2, 3, 4), In.Batched(2, 2, 5, 4)], [String("equation", "bhid,bhjd->bhij")], type: F64, note: "attention scores");
        yield return GradCase.Op("Einsum", [In.Batched(2, 2, 3, 5), In.Batched(2, 2, 5, 4)], [String("equation", "bhij, bhjd -> bhid")], type: F64, note: "attention values");
        yield return GradCase.Op("Einsum", [In.X(3, 4), In.X(4, 5)], [String("equation", "ij,jk")], type: F64, note: "implicit output");
        yield return GradCase.Op("Einsum", [In.X(3, 4)], [String("equation", "ij->j")], type: F64, note: "summed alone");
        yield return GradCase.Op("Einsum", [In.X(2, 3), In.X(3, 4), In.X(4, 2)], [String("equation", "ab,bc,cd->ad")], type: F64, note: "three operands");
        yield return GradCase.Op("Einsum", [In.X(4), In.X(4)], [String("equation", "i,i->")], type: F64, note: "dot");
        foreach (var (transA, transB) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
        {
            long[] a = transA == 1 ? [4, 3] : [3, 4];
            long[] b = transB == 1 ? [5, 4] : [4, 5];
            yield return GradCase.Op("Gemm", [In.X(a), In.X(b), In.X(1, 5)], [Float("alpha", 0.5), Float("beta", 2), Int("transA", transA), Int("transB", transB)], type: F64);
        }

        yield return GradCase.Op("Gemm", [In.Batched(2, 4), In.Const(Weights(5, 4), [5, 4]), In.Const([1, 2, 3, 4, 5], [5])], [Int("transB", 1)], tol: Tolerance.Linear32, note: "linear layer");
        yield return GradCase.Op("MatMul", [In.X(3, 4), In.X(4, 5)], type: F64);
        yield return GradCase.Op("MatMul", [In.Batched(2, 3, 4), In.X(4, 5)], type: F64);
        yield return GradCase.Op("MatMul", [In.X(2, 1, 3, 4), In.X(3, 4, 5)], type: F64);
        yield return GradCase.Op("MatMul", [In.X(4), In.X(2, 4, 5)], type: F64);
        yield return GradCase.Op("MatMul", [In.X(2, 3, 4), In.X(4)], type: F64);
        yield return GradCase.Op("MatMul", [In.X(4), In.X(4)], type: F64);
    }

    private static IEnumerable<GradCase> ShapeOps()
    {
        yield return GradCase.Op("Reshape", [In.Batched(2, 2, 3, 4), In.Ints(0, 12, 2)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Reshape", [In.X(2, 3, 4), In.Ints(4, -1)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Flatten", [In.Batched(2, 2, 3, 4)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Flatten", [In.X(2, 2, 3, 4)], [Int("axis", 2)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Squeeze", [In.Batched(2, 1, 3, 1), In.Ints(1, 3)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Squeeze", [In.X(2, 1, 3, 1)], [Ints("axes", [1])], opset: 11, tol: Tolerance.Linear32);
        yield return GradCase.Op("Unsqueeze", [In.Batched(2, 3), In.Ints(1, -1)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Unsqueeze", [In.X(2, 3)], [Ints("axes", [0])], opset: 11, tol: Tolerance.Linear32);
        yield return GradCase.Op("Transpose", [In.Batched(2, 3, 4, 5)], [Ints("perm", [0, 2, 3, 1])], tol: Tolerance.Linear32);
        yield return GradCase.Op("Transpose", [In.X(2, 3, 4)], tol: Tolerance.Linear32, note: "reversed");
        yield return GradCase.Op("Concat", [In.Batched(2, 1, 3), In.Batched(2, 2, 3), In.Batched(2, 3, 3)], [Int("axis", 1)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Concat", [In.X(2, 3), In.Const(Weights(2, 2), [2, 2]), In.X(2, 1)], [Int("axis", -1)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Split", [In.Batched(2, 6, 3), In.Ints(1, 2, 3)], [Int("axis", 1)], outputs: 3, tol: Tolerance.Linear32);
        yield return GradCase.Op("Split", [In.X(2, 6)], [Int("axis", 1), Int("num_outputs", 2)], opset: 18, outputs: 2, tol: Tolerance.Linear32);
        yield return GradCase.Op("Split", [In.X(4, 3)], [Ints("split", [1, 3])], opset: 11, outputs: 2, tol: Tolerance.Linear32);
        yield return GradCase.Graph(
            "Split-13 one output unused",
            () =>
            {
                var g = new TestGraph();
                var x = g.Input("x", [2, 6]);
                var parts = g.NodeMulti("Split", [x], 3, Int("axis", 1));
                g.Output(g.Node("Mul", [parts[1], parts[1]]));
                return g;
            },
            Tolerance.Smooth32);
        yield return GradCase.Op("Slice", [In.Batched(2, 5, 6), In.Ints(1, 2), In.Ints(4, -1), In.Ints(1, 2)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Slice", [In.X(5, 6), In.Ints(-4, 0), In.Ints(long.MaxValue, 6), In.Ints(0, 1), In.Ints(2, 1)], tol: Tolerance.Linear32, note: "step 2");
        yield return GradCase.Op("Slice", [In.X(5, 7), In.Ints(-1), In.Ints(long.MinValue), In.Ints(1), In.Ints(-1)], tol: Tolerance.Linear32, note: "reversed");
        yield return GradCase.Op("Slice", [In.Batched(2, 5, 7), In.Ints(5, 4), In.Ints(0, 0), In.Ints(2, 1), In.Ints(-2, -3)], tol: Tolerance.Linear32, note: "negative steps");
        yield return GradCase.Op("Slice", [In.X(4, 5), In.Ints(0, 10), In.Ints(long.MaxValue, 20)], tol: Tolerance.Linear32, note: "empty");
        yield return GradCase.Op("Pad", [In.Batched(2, 3, 4, 4), In.Ints(0, 0, 1, 2, 0, 0, 2, 1)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Pad", [In.X(3, 5), In.Ints(-1, 2, 1, -2), In.Const([0.5], [])], tol: Tolerance.Linear32, note: "negative");
        yield return GradCase.Op("Pad", [In.X(2, 3, 4), In.Ints(1, 1, 2, 0), In.None, In.Ints(2, -2)], opset: 18, tol: Tolerance.Linear32, note: "axes");
        yield return GradCase.Op("Gather", [In.Batched(2, 5, 3), In.Const([0], [], DataType.Int64)], [Int("axis", 1)], tol: Tolerance.Linear32, note: "class token");
        yield return GradCase.Op("Gather", [In.X(5, 3), In.Const([4, 0, 4, -1], [2, 2], DataType.Int64)], tol: Tolerance.Linear32, note: "repeated indices");
        yield return GradCase.Op("Gather", [In.Batched(2, 3, 5), In.Const([1, 3], [2], DataType.Int64)], [Int("axis", 2)], opset: 13, tol: Tolerance.Linear32);
        yield return GradCase.Op("Gather", [In.X(4, 3), In.Const([2, 0], [2], DataType.Int64)], opset: 11, tol: Tolerance.Linear32);
        yield return GradCase.Op("Tile", [In.X(2, 3, 1), In.Ints(1, 2, 3)], tol: Tolerance.Linear32);
        yield return GradCase.Op("Tile", [In.Batched(2, 3), In.Ints(1, 2)], tol: Tolerance.Linear32);
        // Resize as PyTorch exports it (nearest: asymmetric + floor; bilinear: pytorch_half_pixel or
        // align_corners) and ONNX's defaults (half_pixel, round_prefer_floor) at a non-integer scale.
        yield return GradCase.Op("Resize", [In.Batched(2, 2, 3, 4), In.None, In.Const([1, 1, 2, 2], [4])], [String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor")], tol: Tolerance.Linear32, note: "nearest ×2");
        yield return GradCase.Op("Resize", [In.Batched(2, 2, 4, 5), In.None, In.Const([1, 1, 1.5, 1.5], [4])], tol: Tolerance.Linear32, note: "nearest ×1.5, defaults");
        yield return GradCase.Op("Resize", [In.Batched(2, 2, 3, 4), In.None, In.Const([1, 1, 2, 2], [4])], [String("mode", "linear"), String("coordinate_transformation_mode", "pytorch_half_pixel")], tol: Tolerance.Linear32, note: "bilinear ×2");
        yield return GradCase.Op("Resize", [In.X(2, 2, 3, 4), In.None, In.None, In.Ints(2, 2, 5, 7)], [String("mode", "linear"), String("coordinate_transformation_mode", "align_corners")], tol: Tolerance.Linear32, note: "bilinear to sizes, align_corners");
        yield return GradCase.Op("Resize", [In.X(2, 2, 6, 8), In.None, In.None, In.Ints(2, 2, 4, 3)], [String("mode", "linear")], tol: Tolerance.Linear32, note: "bilinear down, half_pixel");
        yield return GradCase.Op("Resize", [In.Batched(2, 2, 6, 8), In.None, In.Const([2, 0.5], [2])], [String("mode", "linear"), Ints("axes", [2, 3])], opset: 18, tol: Tolerance.Linear32, note: "axes");
        yield return GradCase.Op("SpaceToDepth", [In.Batched(2, 3, 4, 6)], [Int("blocksize", 2)], tol: Tolerance.Linear32);
        yield return GradCase.Op("DepthToSpace", [In.Batched(2, 8, 3, 2)], [Int("blocksize", 2)], tol: Tolerance.Linear32, note: "DCR");
        yield return GradCase.Op("DepthToSpace", [In.Batched(2, 8, 3, 2)], [Int("blocksize", 2), String("mode", "CRD")], tol: Tolerance.Linear32, note: "CRD");
        yield return GradCase.Op("GatherElements", [In.X(3, 4), In.Const([0, 2, 2, 1, 0, 0, 1, 2], [2, 4], DataType.Int64)], tol: Tolerance.Linear32, note: "repeated indices");
        yield return GradCase.Op("GatherElements", [In.Batched(2, 3, 4), In.Const([3, 3, -1, 0, 1, 2], [1, 3, 2], DataType.Int64)], [Int("axis", 2)], tol: Tolerance.Linear32);
        yield return GradCase.Op("GatherND", [In.X(3, 4), In.Const([0, 1, 2, 3, 0, 1], [3, 2], DataType.Int64)], tol: Tolerance.Linear32, note: "repeated tuples");
        yield return GradCase.Op("GatherND", [In.X(3, 4, 2), In.Const([2, 0], [2, 1], DataType.Int64)], tol: Tolerance.Linear32, note: "slices");
        yield return GradCase.Op("Trilu", [In.Batched(2, 3, 4)], tol: Tolerance.Linear32, note: "upper");
        yield return GradCase.Op("Trilu", [In.X(4, 3), In.Const([-1], [], DataType.Int64)], [Int("upper", 0)], tol: Tolerance.Linear32, note: "lower, below the diagonal");
        yield return GradCase.Op("ScatterElements", [In.X(3, 4), In.Const([1, 0, 2, 1], [1, 4], DataType.Int64), In.Const([9, 8, 7, 6], [1, 4])], tol: Tolerance.Linear32);
        yield return GradCase.Op("ScatterND", [In.X(3, 4), In.Const([0, 2], [2, 1], DataType.Int64), In.Const([1, 2, 3, 4, 5, 6, 7, 8], [2, 4])], tol: Tolerance.Linear32);
        yield return GradCase.Op("TopK", [In.X(Sampler.Distinct(0.2), 3, 5), In.Const([2], [1], DataType.Int64)], outputs: 2, tol: Tolerance.Piecewise32);
        yield return GradCase.Op("TopK", [In.Batched(Sampler.Distinct(0.2), 2, 4, 3), In.Const([3], [1], DataType.Int64)], [Int("axis", 1), Int("largest", 0)], outputs: 2, tol: Tolerance.Piecewise32, note: "smallest");
    }

    /// <summary>Ops without a gradient, in graphs where they sit on or beside the path.</summary>
    private static IEnumerable<GradCase> NoGradientOps()
    {
        yield return GradCase.Graph(
            "Shape/Reshape/Size/Constant/ConstantOfShape/Range",
            () =>
            {
                var g = new TestGraph();
                var x = g.Input("x", [2, 3, 4], dynamicBatch: true);
                var squared = g.Node("Mul", [x, x]);
                var reshaped = g.Node("Reshape", [g.Node("Reshape", [squared, g.Ints(0, -1)]), g.Node("Shape", [x])]);
                var size = g.Node("Cast", [g.Node("Size", [x])], Int("to", (long)DataType.Float));
                var constant = g.Node("Constant", [], new Onnx.AttributeProto { Name = "value_float", Type = Onnx.AttributeProto.Types.AttributeType.Float, F = 0.5f });
                var filled = g.Node("ConstantOfShape", [g.Node("Shape", [x])], new Onnx.AttributeProto { Name = "value", Type = Onnx.AttributeProto.Types.AttributeType.Tensor, T = OnnxCd.Runtime.Graph.Tensors.Vector([2.0], DataType.Float) });
                var range = g.Node("Range", [g.Constant([0], []), g.Constant([4], []), g.Constant([1], [])]);
                var scaled = g.Node("Mul", [g.Node("Mul", [reshaped, size]), g.Node("Mul", [constant, range])]);
                g.Output(g.Node("Add", [scaled, g.Node("Mul", [filled, x])]));
                return g;
            },
            Tolerance.Smooth32);
        yield return GradCase.Graph(
            "Equal/Greater/GreaterOrEqual/Less/LessOrEqual/Not/And/Or/Xor/Where",
            () =>
            {
                var g = new TestGraph();
                var x = g.Input("x", [3, 4]);
                var half = g.Constant([0.5], []);
                var minusHalf = g.Constant([-0.5], []);
                var a = g.Node("Xor", [g.Node("Greater", [x, half]), g.Node("LessOrEqual", [x, minusHalf])]);
                var b = g.Node("And", [g.Node("Equal", [x, x]), g.Node("Not", [g.Node("GreaterOrEqual", [x, g.Constant([1.5], [])])])]);
                var condition = g.Node("Or", [a, g.Node("Not", [g.Node("Or", [b, g.Node("Less", [x, g.Constant([-1.5], [])])])])]);
                g.Output(g.Node("Where", [condition, g.Node("Mul", [x, x]), g.Node("Mul", [x, g.Constant([3], [])])]));
                return g;
            },
            Tolerance.Smooth32,
            ("x", Sampler.AwayFrom([-1.5, -0.5, 0.5, 1.5], 0.1, -2, 2)));
        yield return GradCase.Graph(
            "ArgMax/ArgMin/NonZero",
            () =>
            {
                var g = new TestGraph();
                var x = g.Input("x", [3, 4]);
                var toFloat = Int("to", (long)DataType.Float);
                var argMax = g.Node("Cast", [g.Node("ArgMax", [x], Int("axis", 1))], toFloat);
                var argMin = g.Node("Cast", [g.Node("ArgMin", [x], Int("axis", 0), Int("keepdims", 0))], toFloat);
                var none = g.Node("Cast", [g.Node("Size", [g.Node("NonZero", [g.Node("Greater", [x, g.Constant([10], [])])])])], toFloat);
                g.Output(g.Node("Add", [g.Node("Mul", [g.Node("Mul", [x, argMax]), argMin]), none]));
                return g;
            },
            Tolerance.Smooth32,
            ("x", Sampler.Distinct(0.1)));
        yield return GradCase.Graph(
            "Sign/Floor/Ceil/Round",
            () =>
            {
                var g = new TestGraph();
                var x = g.Input("x", [3, 4]);
                var steps = g.Node("Add", [g.Node("Add", [g.Node("Floor", [x]), g.Node("Ceil", [x])]), g.Node("Add", [g.Node("Round", [x]), g.Node("Sign", [x])])]);
                g.Output(g.Node("Add", [g.Node("Mul", [x, x]), steps]));
                return g;
            },
            Tolerance.Smooth32,
            ("x", Sampler.AwayFrom([-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3], 0.1)));
    }

    /// <summary>Deterministic, non-trivial weights in [−1, 1].</summary>
    private static double[] Weights(params long[] dims)
    {
        var count = dims.Aggregate(1L, (a, b) => a * b);
        return Enumerable.Range(0, (int)count).Select(i => Math.Sin((i * 1.7) + 0.3)).ToArray();
    }
}
