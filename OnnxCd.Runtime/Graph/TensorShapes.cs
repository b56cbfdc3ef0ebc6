namespace OnnxCd.Runtime.Graph;

/// <summary>
/// The element type and build-time shape of every tensor of a model, for one input size, found by
/// running it (Execution's <c>ModelProbe</c>), or extended from those of the model it was built
/// from (<see cref="With"/>). The batch axis, and every size that follows it, is marked dynamic. Small integer tensors computed from shapes alone (slice bounds, reshape targets) are
/// kept with their values when they do not depend on the batch size, so gradient rules can treat
/// them as constants.
/// </summary>
/// <remarks>
/// Shapes are not read from value_info: exporters often omit it (PyTorch 1.13 writes none for
/// intermediates), it can be stale after graph edits, and it carries no values. The probe is exact
/// and costs two forward passes.
/// </remarks>
public sealed class TensorShapes
{
    private readonly Dictionary<string, TensorInfo> _infos;
    private readonly Dictionary<string, long[]> _intValues;

    internal TensorShapes(Dictionary<string, TensorInfo> infos, Dictionary<string, long[]> intValues, string source)
    {
        _infos = infos;
        _intValues = intValues;
        Source = source;
    }

    /// <summary>How the shapes were found, for reports.</summary>
    public string Source { get; }

    /// <summary>The element type and shape of tensor <paramref name="name"/>.</summary>
    /// <exception cref="ModelException">The tensor is unknown.</exception>
    public TensorInfo this[string name] => _infos.TryGetValue(name, out var info)
        ? info
        : throw new ModelException($"No shape is known for tensor '{name}' (shapes from {Source}).");

    /// <summary>Every tensor with a known shape.</summary>
    internal IEnumerable<string> Names => _infos.Keys;

    /// <summary>The element type and shape of tensor <paramref name="name"/>, or null.</summary>
    public TensorInfo? Find(string name) => _infos.GetValueOrDefault(name);

    /// <summary>
    /// These shapes and those of <paramref name="added"/>: for a graph built from this model by
    /// appending nodes whose output shapes are known when they are emitted (a name already known
    /// keeps its shape). No new tensor gets an integer value.
    /// </summary>
    internal TensorShapes With(IEnumerable<KeyValuePair<string, TensorInfo>> added, string source)
    {
        var infos = new Dictionary<string, TensorInfo>(_infos, StringComparer.Ordinal);
        foreach (var (name, info) in added)
        {
            infos.TryAdd(name, info);
        }

        return new TensorShapes(infos, _intValues, source);
    }

    /// <summary>The value of a small integer tensor, identical at every probed batch size, or null.</summary>
    internal long[]? IntValue(string name) => _intValues.GetValueOrDefault(name);
}
