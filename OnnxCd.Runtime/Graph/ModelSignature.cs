using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Graph;

/// <summary>
/// What a model declares at its edges, in one place: its inputs and their declared sizes, whether the
/// batch axis is dynamic, its BatchNormalization nodes left in training mode; and the checks every
/// user of a model makes against it (one image input, one float output, concrete input sizes).
/// </summary>
public sealed class ModelSignature
{
    private ModelSignature(OnnxModel model)
    {
        Model = model;
        Inputs = model.Proto.Graph.Input;
    }

    /// <summary>The model read.</summary>
    public OnnxModel Model { get; }

    /// <summary>The declared shape of the first input, −1 for symbolic dimensions; null when it declares none.</summary>
    /// <exception cref="ModelException">A declared dimension is negative.</exception>
    public long[]? DeclaredInputShape => Model.DeclaredInputShape;

    /// <summary>Whether every input's first axis is symbolic: the batch size is the caller's to choose.</summary>
    public bool BatchIsDynamic => Inputs.All(HasDynamicBatch);

    /// <summary>The BatchNormalization nodes in training mode (see <see cref="IsTrainingBatchNorm"/>), as node labels.</summary>
    public IReadOnlyList<string> TrainingModeBatchNorms =>
        Model.Proto.Graph.Node.Where(IsTrainingBatchNorm).Select(GraphIndex.NodeLabel).ToList();

    internal IReadOnlyList<ValueInfoProto> Inputs { get; }

    /// <summary>Reads the signature of <paramref name="model"/>.</summary>
    public static ModelSignature Of(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelSignature(model);
    }

    /// <summary>
    /// Whether a BatchNormalization node computes with batch statistics, which ties each sample's
    /// result to the rest of its batch: training_mode = 1 (models before opset 14 said it by using the
    /// statistics outputs, which their lift to opset 17 writes as training_mode).
    /// </summary>
    public static bool IsTrainingBatchNorm(NodeProto node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.OpType == "BatchNormalization" && Attributes.GetInt(node, "training_mode", 0) != 0;
    }

    /// <summary>Whether the input's first axis is symbolic (or unknown): the batch axis, which callers may size.</summary>
    internal static bool HasDynamicBatch(ValueInfoProto input) =>
        input.Type?.TensorType?.Shape?.Dim.FirstOrDefault() is { ValueCase: not TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue };

    /// <summary>The name of the only input.</summary>
    /// <param name="need">What the caller needs, ending the message when there is not exactly one input.</param>
    /// <exception cref="ModelException">The model has another number of inputs.</exception>
    public string SingleInput(string need) => Inputs.Count == 1
        ? Inputs[0].Name
        : throw new ModelException($"Model '{Model.Description}' has {Inputs.Count} inputs [{string.Join(", ", Inputs.Select(i => i.Name))}]; {need}.");

    /// <summary>The name of the only input, checked to be a float32 image fed at <paramref name="imageDims"/> ([N,C,H,W]).</summary>
    /// <exception cref="ModelException">The model has several inputs, or one that is not float32, or the dims are not 4-D.</exception>
    public string ImageInput(long[] imageDims)
    {
        ArgumentNullException.ThrowIfNull(imageDims);
        var name = SingleInput("CD needs a model with one image input");
        var type = (DataType)(Inputs[0].Type?.TensorType?.ElemType ?? 0);
        if (type != DataType.Float)
        {
            throw new ModelException($"Input '{name}' of '{Model.Description}' is {ElementTypes.Name(type)}; CD needs a float32 image input [N,C,H,W].");
        }

        return imageDims.Length == 4
            ? name
            : throw new ModelException($"CD needs images [N,C,H,W]; input '{name}' of '{Model.Description}' was given {TensorShape.Format(imageDims)}.");
    }

    /// <summary><paramref name="dims"/> with the batch size the model fixes, when it fixes one (it wins over the caller's).</summary>
    public long[] WithFixedBatch(long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        return DeclaredInputShape is [> 0 and var fixedBatch, ..] && dims.Length > 0 ? [fixedBatch, .. dims[1..]] : dims;
    }

    /// <summary>
    /// Concrete dims for feeding <paramref name="input"/>: its declared sizes, batch 1 where the
    /// batch is symbolic, and the trailing symbolic sizes from <paramref name="inputSize"/> (for an
    /// image [N,C,H,W], [H,W]).
    /// </summary>
    /// <exception cref="ModelException">The input declares no shape, or a symbolic size that <paramref name="inputSize"/> does not give.</exception>
    internal long[] ConcreteDims(ValueInfoProto input, long[]? inputSize)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim.ToList()
            ?? throw new ModelException(Setting.Message($"Input '{input.Name}' declares no shape; give its size with {Setting.InputSize}."));
        var result = new long[dims.Count];
        for (var i = 0; i < dims.Count; i++)
        {
            var fromEnd = dims.Count - i;
            if (dims[i].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[i].DimValue > 0)
            {
                result[i] = dims[i].DimValue;
            }
            else if (i == 0)
            {
                result[i] = 1;
            }
            else if (inputSize is not null && fromEnd <= inputSize.Length)
            {
                result[i] = inputSize[^fromEnd];
            }
            else
            {
                throw new ModelException(Setting.Message($"Input '{input.Name}' of '{Model.Description}' has symbolic size {ValueInfos.FormatDims(input)}; give the spatial size with {Setting.InputSize} HxW."));
            }
        }

        return result;
    }

    /// <summary>The concrete dims of every input (<see cref="ConcreteDims"/>), by name.</summary>
    public IReadOnlyDictionary<string, long[]> ConcreteInputDims(long[]? inputSize) =>
        Inputs.ToDictionary(i => i.Name, i => ConcreteDims(i, inputSize), StringComparer.Ordinal);

    /// <summary>The outputs whose element type is floating point.</summary>
    public IReadOnlyList<string> FloatOutputs(TensorShapes shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        return Model.OutputNames.Where(o => shapes[o].IsFloat).ToList();
    }

    /// <summary>The only float output.</summary>
    /// <param name="shapes">The model's shapes.</param>
    /// <param name="choose">How to choose when there are several, ending the message (it may point to settings).</param>
    /// <exception cref="ModelException">The model has no float output, or several.</exception>
    public string SingleFloatOutput(TensorShapes shapes, FormattableString choose)
    {
        var floats = FloatOutputs(shapes);
        if (floats.Count == 0)
        {
            var outputs = string.Join(", ", Model.OutputNames.Select(o => $"'{o}' {ElementTypes.Name(shapes[o].ElementType)}"));
            throw new ModelException($"Model '{Model.Description}' has no float output ({outputs}); OnnxCd matches or differentiates a float output, so export the model up to its logits (before any ArgMax or TopK).");
        }

        return floats.Count == 1
            ? floats[0]
            : throw new ModelException(Setting.Message($"Model '{Model.Description}' has {floats.Count} float outputs [{string.Join(", ", floats)}]; {choose}."));
    }
}
