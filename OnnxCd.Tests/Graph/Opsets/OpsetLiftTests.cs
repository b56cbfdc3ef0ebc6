using OnnxCd.Runtime;
using OnnxCd.Tests.TestSupport;
using static OnnxCd.Runtime.Graph.Attributes;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Graph.Opsets;

/// <summary>
/// The lift of old opsets to 17, form by form: ONNX Runtime runs each file as written (its own kernels
/// for the old opset) and as OnnxCd lifted it, and the outputs must be equal. Where ONNX Runtime has
/// no kernel for the old form (most ops before opset 6), the reference is the same computation written
/// by hand at opset 17. ONNX's operator tests (the conformance suite) check the forms they hold; these
/// check the ones they do not.
/// </summary>
public sealed class OpsetLiftTests
{
    public static TheoryData<string> Names => new(Cases().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void LiftedModel_ComputesWhatTheFileDefines(string name)
    {
        var (_, graph, change, reference) = Cases().Single(c => c.Name == name);
        var model = graph.Build();
        var random = new Random(7);
        var feed = graph.InputDims.ToDictionary(kv => kv.Key, kv => (Enumerable.Range(0, (int)kv.Value.Aggregate(1L, (a, b) => a * b)).Select(_ => (random.NextDouble() * 4) - 2).ToArray(), kv.Value, DataType.Float));

        using var file = new OrtRun(reference?.Bytes() ?? graph.Bytes());
        using var lifted = new OrtRun(model);
        var expectedNames = (reference?.Build() ?? model).OutputNames;
        var expected = file.Run(feed, expectedNames);
        var actual = lifted.Run(feed, model.OutputNames);

        Assert.Equal(17, model.Opset);
        Assert.True(model.LiftChanges.Any(c => c.StartsWith(change, StringComparison.Ordinal)), $"'{change}' not among the changes: {string.Join("; ", model.LiftChanges)}");
        foreach (var (want, got) in expectedNames.Zip(model.OutputNames))
        {
            Assert.Equal(expected[want].Dims, actual[got].Dims);
            Assert.All(expected[want].Values.Zip(actual[got].Values), p => Assert.Equal(p.First, p.Second, 1e-6));
        }
    }

    [Fact]
    public void Resize10_NearestThatShrinksAndGrows_IsRefusedWithTheOpsetToUse()
    {
        var g = new TestGraph(10);
        g.Output(g.Node("Resize", [g.Input("x", [1, 1, 4, 4]), g.Constant([1, 1, 0.5, 2], [4])]));

        var error = Assert.Throws<ModelException>(g.Build);

        Assert.Contains("shrinking some axes and growing others", error.Message, StringComparison.Ordinal);
        Assert.Contains("opset 13 or newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LegacyBroadcastFromAnAxis_WithoutRanks_IsRefusedNamingTheTensor()
    {
        var g = new TestGraph(6);
        var b = g.Node("Relu", [g.Input("b", [3])]);
        var x = g.Node("Relu", [g.Input("x", [2, 3, 4])]);
        g.Output(g.Node("Add", [x, b], Int("broadcast", 1), Int("axis", 1)));

        var error = Assert.Throws<ModelException>(g.Build);

        Assert.Contains("broadcasts its second input from axis 1", error.Message, StringComparison.Ordinal);
        Assert.Contains(x, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tile1_IsRefusedWithItsReason()
    {
        var g = new TestGraph(5);
        g.Output(g.Node("Tile", [g.Input("x", [2, 3]), g.Ints(2), g.Ints(1)]));

        var error = Assert.Throws<ModelException>(g.Build);

        Assert.Contains("Tile at opset 5", error.Message, StringComparison.Ordinal);
    }

    private static Onnx.AttributeProto Floats(string name, float[] values)
    {
        var attribute = new Onnx.AttributeProto { Name = name, Type = Onnx.AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    private static IEnumerable<(string Name, TestGraph Graph, string Change, TestGraph? Reference)> Cases()
    {
        TestGraph Graph(long opset, Func<TestGraph, string> body, long[]? outputDims = null)
        {
            var g = new TestGraph(opset);
            var y = body(g);
            if (outputDims is null)
            {
                g.Output(y);
            }
            else
            {
                g.Output(y, outputDims);
            }

            return g;
        }

        yield return ("Add-6 broadcasting from axis 1", Graph(6, g => g.Node("Add", [g.Input("x", [2, 3, 4]), g.Input("b", [3])], Int("broadcast", 1), Int("axis", 1))), "Add: legacy broadcast", Graph(17, g => g.Node("Add", [g.Input("x", [2, 3, 4]), g.Node("Unsqueeze", [g.Input("b", [3]), g.Ints(1)])])));
        yield return ("Mul-6 broadcasting a suffix", Graph(6, g => g.Node("Mul", [g.Input("x", [2, 3, 4]), g.Input("b", [4])], Int("broadcast", 1))), "Mul: legacy broadcast", Graph(17, g => g.Node("Mul", [g.Input("x", [2, 3, 4]), g.Input("b", [4])])));
        yield return ("Relu-1 with consumed_inputs, Concat-1's default axis", Graph(1, g => g.Node("Concat", [g.Node("Relu", [g.Input("x", [2, 3])], Ints("consumed_inputs", [0])), g.Input("z", [2, 2])])), "Concat: default axis", Graph(17, g => g.Node("Concat", [g.Node("Relu", [g.Input("x", [2, 3])]), g.Input("z", [2, 2])], Int("axis", 1))));
        yield return ("Cast-1 to a type name", Graph(1, g => g.Node("Cast", [g.Input("x", [2, 3])], String("to", "DOUBLE"))), "Cast: type name", Graph(17, g => g.Node("Cast", [g.Input("x", [2, 3])], Int("to", (long)DataType.Double))));
        yield return ("Reshape-1 with its shape attribute", Graph(1, g => g.Node("Reshape", [g.Input("x", [2, 6])], Ints("shape", [3, 4]))), "Reshape: shape attribute", Graph(17, g => g.Node("Reshape", [g.Input("x", [2, 6]), g.Ints(3, 4)])));
        yield return ("Pad-1 paddings", Graph(1, g => g.Node("Pad", [g.Input("x", [1, 2, 3])], Ints("paddings", [0, 1, 0, 0, 0, 2]), Float("value", 1.5))), "Pad: attributes", Graph(17, g => g.Node("Pad", [g.Input("x", [1, 2, 3]), g.Ints(0, 1, 0, 0, 0, 2), g.Constant([1.5], [])])));
        yield return ("Pad-2 reflect", Graph(2, g => g.Node("Pad", [g.Input("x", [1, 3, 4])], Ints("pads", [0, 0, 1, 0, 0, 2]), String("mode", "reflect"))), "Pad: attributes", null);
        yield return ("Clip-6 with both bounds", Graph(6, g => g.Node("Clip", [g.Input("x", [3, 4])], Float("min", -0.5), Float("max", 1.25))), "Clip: attributes", null);
        yield return ("Clip-6 with only a maximum", Graph(6, g => g.Node("Clip", [g.Input("x", [3, 4])], Float("max", 0.3))), "Clip: attributes", null);
        yield return ("Slice-1 with axes", Graph(7, g => g.Node("Slice", [g.Input("x", [4, 5])], Ints("starts", [1, -3]), Ints("ends", [3, 100]), Ints("axes", [0, 1]))), "Slice: attributes", null);
        yield return ("Upsample-7 nearest", Graph(7, g => g.Node("Upsample", [g.Input("x", [1, 2, 2, 3])], Floats("scales", [1, 1, 2, 3]))), "Upsample: → Resize", null);
        yield return ("Upsample-9 linear", Graph(9, g => g.Node("Upsample", [g.Input("x", [1, 2, 3, 3]), g.Constant([1, 1, 2, 2], [4])], String("mode", "linear"))), "Upsample: → Resize", null);
        yield return ("Resize-10 nearest, shrinking", Graph(10, g => g.Node("Resize", [g.Input("x", [1, 1, 6, 6]), g.Constant([1, 1, 0.5, 0.75], [4])])), "Resize: opset-10", null);
        yield return ("Resize-10 linear, growing", Graph(10, g => g.Node("Resize", [g.Input("x", [1, 1, 3, 3]), g.Constant([1, 1, 2, 1.5], [4])], String("mode", "linear"))), "Resize: opset-10", null);
        yield return ("BatchNormalization-7 with spatial", Graph(7, g => g.Node("BatchNormalization", [g.Input("x", [2, 3, 2, 2]), g.Constant([1, 2, 3], [3]), g.Constant([0, 1, 0], [3]), g.Constant([0.5, 0, -1], [3]), g.Constant([1, 2, 0.5], [3])], Int("spatial", 1))), "BatchNormalization", null);
        yield return ("Dropout-7 with its ratio", Graph(7, g => g.Node("Dropout", [g.Input("x", [3, 4])], Float("ratio", 0.3))), "Dropout: ratio", null);
        yield return ("Squeeze-11 and Unsqueeze-11 axes", Graph(11, g => g.Node("Unsqueeze", [g.Node("Squeeze", [g.Input("x", [2, 1, 3])], Ints("axes", [1]))], Ints("axes", [0]))), "Squeeze: axes", null);
        yield return ("ReduceSum-11 axes", Graph(11, g => g.Node("ReduceSum", [g.Input("x", [2, 3, 4])], Ints("axes", [1, -1]))), "ReduceSum: axes", null);
        yield return ("Split-11 sizes", Graph(11, g => g.NodeMulti("Split", [g.Input("x", [5, 2])], 2, Ints("split", [2, 3]))[1]), "Split: split", null);
        yield return ("Softmax-11 over the trailing axes, rank unknown", Graph(11, g => g.Node("Softmax", [g.Node("Relu", [g.Input("x", [2, 3, 4])])], Int("axis", 1))), "Softmax: 2-D coercion", null);
        yield return ("LogSoftmax-12 default axis on a declared rank 2", Graph(12, g => g.Node("LogSoftmax", [g.Node("Relu", [g.Input("x", [2, 5])])]), [2, 5]), "LogSoftmax: 2-D coercion", null);
        yield return ("Hardmax-11 at axis 0", Graph(11, g => g.Node("Hardmax", [g.Input("x", [2, 3])], Int("axis", 0))), "Hardmax: 2-D coercion", null);
        yield return ("TopK-1 k attribute", Graph(9, g => g.NodeMulti("TopK", [g.Input("x", [3, 5])], 2, Int("k", 2))[0]), "TopK: k attribute", null);
        yield return ("Scatter-9", Graph(9, g => g.Node("Scatter", [g.Input("x", [3, 3]), g.Constant([1, 0, 2], [1, 3], DataType.Int64), g.Constant([7, 8, 9], [1, 3])])), "Scatter: → ScatterElements", null);
    }
}
