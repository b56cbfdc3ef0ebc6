namespace OnnxCd.Runtime.Graph;

/// <summary>
/// The element type and build-time shape of every tensor of a model, for one input size, found by
/// a probe run (<see cref="ShapeProbe"/>). The batch axis, and every size that follows it, is marked
/// dynamic. Small integer tensors computed from shapes alone (slice bounds, reshape targets) are
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

    /// <summary>
    /// The most memory a probe may hold unless the caller allows more: 4 GiB. A classifier at
    /// 224×224 holds far less (torchvision's ResNet-50: 203 MiB, VGG-16: 220 MiB, every tensor at
    /// batch 2); the shipped model declaring 1,000,000×28 pixels would hold 12.3 GiB.
    /// </summary>
    public const long DefaultProbeMemory = 4L << 30;

    /// <summary>How the shapes were found, for reports.</summary>
    public string Source { get; }

    /// <summary>The element type and shape of tensor <paramref name="name"/>.</summary>
    /// <exception cref="ModelException">The tensor is unknown.</exception>
    public TensorInfo this[string name] => _infos.TryGetValue(name, out var info)
        ? info
        : throw new ModelException($"No shape is known for tensor '{name}' (shapes from {Source}).");

    /// <summary>The element type and shape of tensor <paramref name="name"/>, or null.</summary>
    public TensorInfo? Find(string name) => _infos.GetValueOrDefault(name);

    /// <summary>
    /// Shapes for <paramref name="model"/> fed with inputs of the given concrete dimensions (batch
    /// included; the probe varies the batch size of inputs whose first axis is symbolic).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="inputDims">Concrete dimensions of every graph input, by name.</param>
    /// <param name="probeMemory">
    /// The most bytes the probe may hold (its inputs and every tensor, at batch 2), judged from
    /// the shapes ONNX shape inference gives before anything runs; a larger model is refused.
    /// </param>
    /// <exception cref="ModelException">The model cannot be run with these sizes, or probing it would hold more than <paramref name="probeMemory"/>.</exception>
    public static TensorShapes Infer(OnnxModel model, IReadOnlyDictionary<string, long[]> inputDims, long probeMemory = DefaultProbeMemory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputDims);
        ArgumentOutOfRangeException.ThrowIfLessThan(probeMemory, 1);
        return ShapeProbe.Run(model, inputDims, probeMemory);
    }

    /// <summary>The value of a small integer tensor, identical at every probed batch size, or null.</summary>
    internal long[]? IntValue(string name) => _intValues.GetValueOrDefault(name);
}
