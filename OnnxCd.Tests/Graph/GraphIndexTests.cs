using Onnx;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Graph;

public sealed class GraphIndexTests
{
    [Fact]
    public void Order_PutsProducersBeforeConsumers_WhateverTheFileOrder()
    {
        var g = new TestGraph();
        var x = g.Input("x", [2]);
        var a = g.Node("Relu", [x]);
        var b = g.Node("Neg", [a]);
        g.Output(g.Node("Add", [a, b]));
        var graph = g.Build().Proto.Graph;
        var reversed = graph.Node.Reverse().ToList();
        graph.Node.Clear();
        graph.Node.AddRange(reversed);

        var order = new GraphIndex(graph).Order.Select(n => n.OpType).ToList();

        Assert.Equal(["Relu", "Neg", "Add"], order);
    }

    [Fact]
    public void MissingTensor_IsReportedWithTheNodeThatReadsIt()
    {
        var graph = new GraphProto();
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "r", Input = { "ghost" }, Output = { "y" } });

        var error = Assert.Throws<ModelException>(() => new GraphIndex(graph));

        Assert.Contains("'r'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ghost'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cycle_IsReported()
    {
        var graph = new GraphProto();
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "a", Input = { "q" }, Output = { "p" } });
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "b", Input = { "p" }, Output = { "q" } });

        var error = Assert.Throws<ModelException>(() => new GraphIndex(graph));

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DependsOnInputData_SeparatesShapeComputationsFromData()
    {
        var g = new TestGraph();
        var x = g.Input("x", [2, 3]);
        var shape = g.Node("Shape", [x]);
        var width = g.Node("Gather", [shape, g.Ints(1)]);
        var data = g.Node("Relu", [x]);
        g.Output(g.Node("Reshape", [data, g.Node("Concat", [g.Ints(-1), width], OnnxCd.Runtime.Graph.Attributes.Int("axis", 0))]));
        var index = new GraphIndex(g.Build().Proto.Graph);

        Assert.False(index.DependsOnInputData(width));
        Assert.True(index.DependsOnInputData(data));
        Assert.True(index.DependsOnInputData(x));
    }
}
