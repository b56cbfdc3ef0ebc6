using Onnx;
using OnnxCd.Runtime.Autodiff.Rewrites;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Graph.Validation;

namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// Builds the backward pass of a model as standard ONNX nodes: the returned model computes the
/// original outputs and, in the same run, the gradient of the requested outputs (or loss) with
/// respect to the requested inputs. Only the nodes between them are differentiated; weights never are.
/// </summary>
public static class GradientBuilder
{
    /// <summary>Builds the gradient model.</summary>
    /// <param name="model">The source model; it is not modified.</param>
    /// <param name="request">What to differentiate with respect to what.</param>
    /// <param name="shapes">Shapes of the model's tensors (found by running it: Execution's <c>ModelProbe.Run</c>).</param>
    /// <exception cref="GradientNotSupportedException">Some nodes on the path cannot be differentiated; all are listed.</exception>
    /// <exception cref="ModelException">A requested input or output does not exist or is not a float tensor.</exception>
    public static GradientModel Build(OnnxModel model, GradientRequest request, TensorShapes shapes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(shapes);
        var proto = model.Proto.Clone();
        var graph = proto.Graph;
        CheckRequest(model, request, shapes);

        var opset = model.Opset;
        var index = new GraphIndex(graph);
        var path = GraphPath.Between(index, shapes, request.Wrt, request.Seeds);
        var errors = Validate(path, index, shapes, opset);
        if (errors.Count > 0)
        {
            throw new GradientNotSupportedException(model.Description, string.Join(", ", request.Wrt), string.Join(", ", request.Seeds), errors);
        }

        var nodesBefore = graph.Node.Count;
        var emitter = new GraphEmitter(graph, opset);
        var batchSymbol = ValueInfos.BatchSymbol(graph);
        foreach (var output in graph.Output.Where(o => o.Type is null && shapes.Find(o.Name) is not null).ToList())
        {
            graph.Output[graph.Output.IndexOf(output)] = ValueInfos.Create(output.Name, shapes[output.Name], batchSymbol);
        }

        var seeds = new Dictionary<string, TensorRef>(StringComparer.Ordinal);
        var cotangentInputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var output in request.Cotangents)
        {
            var info = shapes[output];
            var name = emitter.UniqueName(output + "_grad");
            graph.Input.Add(ValueInfos.Create(name, info, batchSymbol));
            seeds[output] = new TensorRef(name, info.ElementType, info.Shape);
            cotangentInputs[output] = name;
        }

        if (request.Loss is { } loss)
        {
            var info = shapes[loss];
            seeds[loss] = emitter.Constant([1.0], info.Shape.ToArray(), info.ElementType);
        }

        var backward = new BackwardPass(index, shapes, path, emitter, request.Target);
        var grads = backward.Run(seeds, request.Wrt);
        var gradientOutputs = new Dictionary<string, string>(StringComparer.Ordinal);
        emitter.Scope = "OnnxCd/";
        foreach (var wrt in request.Wrt)
        {
            var info = shapes[wrt];
            var x = new TensorRef(wrt, info.ElementType, info.Shape);
            var grad = grads[wrt] ?? emitter.Expand(emitter.Scalar(0, info.ElementType), emitter.ShapeOf(x), info.Shape);
            var name = emitter.Rename(grad, wrt + "_grad").Name;
            graph.Output.Add(ValueInfos.Create(name, info, batchSymbol));
            gradientOutputs[wrt] = name;
        }

        ReluMaskAtPooledSize.Apply(graph, index, path, backward.Cotangents(), emitter, shapes);
        var result = OnnxModel.Wrap(proto, model.Description + " (gradient)");
        return new GradientModel(result, cotangentInputs, gradientOutputs, opset, graph.Node.Count - nodesBefore);
    }

    /// <summary>Every node between the request's inputs and outputs that cannot be differentiated (empty when all can).</summary>
    public static IReadOnlyList<GraphValidationError> Validate(OnnxModel model, GradientRequest request, TensorShapes shapes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(shapes);
        CheckRequest(model, request, shapes);
        var index = new GraphIndex(model.Proto.Graph);
        var path = GraphPath.Between(index, shapes, request.Wrt, request.Seeds);
        return Validate(path, index, shapes, model.Opset);
    }

    private static IReadOnlyList<GraphValidationError> Validate(GraphPath path, GraphIndex index, TensorShapes shapes, long opset) =>
        DifferentiabilityValidator.Validate(path.Nodes, _ => opset, node => WhyNot(node, index, shapes, path, opset));

    /// <summary>Why a node on the path cannot be differentiated, or null when it can.</summary>
    private static string? WhyNot(NodeProto node, GraphIndex index, TensorShapes shapes, GraphPath path, long opset)
    {
        if (!GradientRules.TryGet(node.Domain, node.OpType, out var rule))
        {
            return "no gradient rule for this op type";
        }

        if (!rule.CarriesGradient || rule.Check is null)
        {
            return null;
        }

        try
        {
            return rule.Check(new NodeView(node, index, shapes, path, opset));
        }
        catch (ModelException e)
        {
            return e.Message;
        }
    }

    private static void CheckRequest(OnnxModel model, GradientRequest request, TensorShapes shapes)
    {
        if (request.Wrt.Count == 0)
        {
            throw new ArgumentException("Name at least one input to differentiate with respect to.", nameof(request));
        }

        if (!request.Seeds.Any())
        {
            throw new ArgumentException("Name at least one output with a cotangent, or a loss.", nameof(request));
        }

        foreach (var wrt in request.Wrt)
        {
            if (!model.InputNames.Contains(wrt))
            {
                throw new ModelException($"Input '{wrt}' not found in '{model.Description}'. Available inputs: [{string.Join(", ", model.InputNames)}]");
            }

            RequireFloat(model, wrt, shapes, "input");
        }

        var tensors = model.Proto.Graph.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        foreach (var seed in request.Seeds)
        {
            if (!tensors.Contains(seed))
            {
                throw new ModelException($"Output '{seed}' not found in '{model.Description}'. Available outputs: [{string.Join(", ", model.OutputNames)}]");
            }

            RequireFloat(model, seed, shapes, "output");
        }

        if (request.Loss is { } loss && shapes[loss].Shape is { } s && (!s.IsStatic || s.ElementCount != 1))
        {
            throw new ModelException($"Loss '{loss}' of '{model.Description}' has shape {s}; a loss must hold a single value.");
        }
    }

    private static void RequireFloat(OnnxModel model, string name, TensorShapes shapes, string what)
    {
        var info = shapes[name];
        if (!info.IsFloat)
        {
            throw new ModelException($"The {what} '{name}' of '{model.Description}' is {info}; gradients need a floating-point tensor.");
        }
    }
}
