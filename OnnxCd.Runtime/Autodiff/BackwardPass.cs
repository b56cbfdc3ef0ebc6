using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Autodiff;

/// <summary>
/// Reverse-mode accumulation over the nodes on the path, emitted as ONNX nodes. Invariant: when a
/// node is visited, every consumer of its outputs has been, so each output's cotangent is final;
/// several contributions to one tensor are summed by one Sum node. Missing cotangents are symbolic
/// zeros and never materialised.
/// </summary>
internal sealed class BackwardPass
{
    private readonly GraphIndex _index;
    private readonly TensorShapes _shapes;
    private readonly GraphPath _path;
    private readonly GraphEmitter _emitter;
    private readonly ProviderTarget _target;
    private readonly Dictionary<string, List<TensorRef>> _contributions = new(StringComparer.Ordinal);

    public BackwardPass(GraphIndex index, TensorShapes shapes, GraphPath path, GraphEmitter emitter, ProviderTarget target)
    {
        _index = index;
        _shapes = shapes;
        _path = path;
        _emitter = emitter;
        _target = target;
    }

    /// <summary>Propagates the seeds back to <paramref name="wrt"/>; a null result means no path reaches that input.</summary>
    public Dictionary<string, TensorRef?> Run(IReadOnlyDictionary<string, TensorRef> seeds, IEnumerable<string> wrt)
    {
        foreach (var (tensor, seed) in seeds)
        {
            Contribute(tensor, seed);
        }

        foreach (var node in _path.Nodes.Reverse())
        {
            var outputGrads = node.Output.Select(o => o.Length > 0 && _path.Contains(o) ? Collect(o) : null).ToArray();
            if (outputGrads.All(g => g is null))
            {
                continue;
            }

            GradientRules.TryGet(node.Domain, node.OpType, out var rule);
            _emitter.Scope = GraphIndex.NodeLabel(node) + "_Grad/";
            var context = new GradientContext(node, _index, _shapes, _path, _emitter, outputGrads, _target);
            rule!.Emit(context);
            if (rule.CarriesGradient)
            {
                RequireEveryInputGrad(context);
            }

            foreach (var (i, grads) in context.InputGrads)
            {
                var x = context.Input(i);
                foreach (var grad in grads)
                {
                    Contribute(x.Name, Unbroadcast.To(_emitter, grad, x));
                }
            }
        }

        return wrt.ToDictionary(w => w, Collect, StringComparer.Ordinal);
    }

    /// <summary>The cotangent of every tensor whose contributions were collected (each forward node's outputs), after <see cref="Run"/>.</summary>
    public IReadOnlyDictionary<string, string> Cotangents() =>
        _contributions.Where(kv => kv.Value.Count == 1).ToDictionary(kv => kv.Key, kv => kv.Value[0].Name, StringComparer.Ordinal);

    private void Contribute(string tensor, TensorRef grad)
    {
        if (!_contributions.TryGetValue(tensor, out var list))
        {
            _contributions[tensor] = list = [];
        }

        list.Add(grad);
    }

    private TensorRef? Collect(string tensor)
    {
        if (!_contributions.TryGetValue(tensor, out var list))
        {
            return null;
        }

        if (list.Count > 1)
        {
            _emitter.Scope = tensor + "_grad/";
            var sum = _emitter.Sum(list);
            list.Clear();
            list.Add(sum);
        }

        return list[0];
    }

    private static void RequireEveryInputGrad(GradientContext context)
    {
        for (var i = 0; i < context.InputCount; i++)
        {
            if (context.NeedsInputGrad(i) && !context.InputGrads.ContainsKey(i))
            {
                throw new InvalidOperationException($"The {context.Node.OpType} rule gave no gradient for input {i} ('{context.Node.Input[i]}') of node '{context.Label}'.");
            }
        }
    }
}
