using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Execution;

/// <summary>
/// Runs a model to learn the element type and shape of every tensor (<see cref="TensorShapes"/>):
/// once with batch 1 and once with batch 2, every intermediate exposed as an output. Dimensions
/// that differ between the runs follow the batch and are marked dynamic. A model with a fixed batch size is run once. Integer tensors of
/// up to <see cref="MaxIntValues"/> elements keep their values where both runs agree.
/// </summary>
/// <remarks>
/// Before anything runs, the probe sizes what it would hold from the shapes ONNX Runtime infers
/// when it loads the probe model (<see cref="ProbeFootprint"/>) and refuses a model beyond the
/// caller's memory limit: a damaged or hostile declared size costs a message, not gigabytes.
/// </remarks>
public static class ModelProbe
{
    /// <summary>
    /// The most memory a probe may hold unless the caller allows more: 4 GiB. A classifier at
    /// 224×224 holds far less (torchvision's ResNet-50: 203 MiB, VGG-16: 220 MiB, every tensor at
    /// batch 2); the shipped model declaring 1,000,000×28 pixels would hold 12.3 GiB.
    /// </summary>
    public const long DefaultMemoryLimit = 4L << 30;

    private const int MaxIntValues = 4096;
    private const long MaxProbeElements = 1L << 28;

    /// <summary>The larger batch size probed: what the probe holds at most, and what its memory is judged at.</summary>
    private const int LargerBatch = 2;

    /// <summary>The symbol given to a dynamic batch axis that has none, so inference can follow it.</summary>
    private const string BatchSymbol = "onnxcd_probe_batch";

    /// <summary>
    /// Shapes for <paramref name="model"/> fed with inputs of the given concrete dimensions (batch
    /// included; the probe varies the batch size of inputs whose first axis is symbolic).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="inputDims">Concrete dimensions of every graph input, by name.</param>
    /// <param name="memoryLimit">
    /// The most bytes the probe may hold (its inputs and every tensor, at batch 2), judged from
    /// the shapes ONNX shape inference gives before anything runs; a larger model is refused.
    /// </param>
    /// <exception cref="ModelException">The model cannot be run with these sizes, or probing it would hold more than <paramref name="memoryLimit"/>.</exception>
    public static TensorShapes Run(OnnxModel model, IReadOnlyDictionary<string, long[]> inputDims, long memoryLimit = DefaultMemoryLimit)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputDims);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryLimit, 1);
        var graph = model.Proto.Graph;
        foreach (var input in graph.Input)
        {
            if (!inputDims.TryGetValue(input.Name, out var dims))
            {
                throw new ModelException($"Model '{model.Description}' has input '{input.Name}', but no size was given for it.");
            }

            CheckInputSize(input, BatchDims(input, dims, LargerBatch));
        }

        var (probeModel, batchSymbols) = ProbeModel(model, inputDims);
        using var session = SessionFactory.CreateUnoptimised(probeModel, model.Description);
        CheckFootprint(ProbeFootprint.Of(session, batchSymbols, LargerBatch), model, inputDims, memoryLimit);
        var (first, firstValues) = RunOnce(session, model, inputDims, batch: 1);
        if (batchSymbols.Count == 0)
        {
            return new TensorShapes(first, firstValues, "probe (fixed batch)");
        }

        var (second, secondValues) = RunOnce(session, model, inputDims, LargerBatch);
        var values = firstValues
            .Where(kv => secondValues.TryGetValue(kv.Key, out var other) && other.AsSpan().SequenceEqual(kv.Value))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var merged = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (var (name, a) in first)
        {
            var b = second[name];
            if (a.Shape.Rank != b.Shape.Rank)
            {
                throw new ModelException($"Tensor '{name}' has rank {a.Shape.Rank} at batch 1 but rank {b.Shape.Rank} at batch 2; OnnxCd needs ranks that do not depend on the batch size.");
            }

            var dims = a.Shape.Dims.Zip(b.Shape.Dims, (x, y) => x == y ? x : TensorShape.Dynamic);
            merged[name] = a with { Shape = new TensorShape(dims) };
        }

        return new TensorShapes(merged, values, "probe (batch 1 and 2)");
    }

    /// <summary>Refuses a probe that would hold more than <paramref name="memoryLimit"/> bytes, naming the inputs' sizes and the largest tensor.</summary>
    private static void CheckFootprint(ProbeFootprint footprint, OnnxModel model, IReadOnlyDictionary<string, long[]> inputDims, long memoryLimit)
    {
        if (footprint.Bytes <= memoryLimit)
        {
            return;
        }

        var inputs = string.Join(", ", model.Proto.Graph.Input.Select(i => $"'{i.Name}' {TensorShape.Format(BatchDims(i, inputDims[i.Name], LargerBatch))} (declared {ValueInfos.FormatDims(i)})"));
        var (largest, dims, bytes) = footprint.Largest;
        var held = $"Probing the shapes of '{model.Description}' would hold {ProbeFootprint.FormatBytes(footprint.Bytes)} "
            + $"(input {inputs}; {footprint.Counted} tensors, the largest '{largest}' {TensorShape.Format(dims)} of {ProbeFootprint.FormatBytes(bytes)}"
            + (footprint.Unsized > 0 ? $"; {footprint.Unsized} more whose size depends on values" : string.Empty) + "), "
            + $"over the limit of {ProbeFootprint.FormatBytes(memoryLimit)}.";
        throw new ModelException(Setting.Message(
            $"{held} If the declared size is wrong, fix the model; for a symbolic size give a smaller {Setting.InputSize}; to probe this size anyway, raise the limit with {Setting.ProbeMemory}."));
    }

    /// <summary><paramref name="dims"/> with the batch axis set to <paramref name="batch"/> when the input's batch is dynamic.</summary>
    private static long[] BatchDims(ValueInfoProto input, long[] dims, long batch)
    {
        var result = (long[])dims.Clone();
        if (ModelSignature.HasDynamicBatch(input) && result.Length > 0)
        {
            result[0] = batch;
        }

        return result;
    }

    private static void CheckInputSize(ValueInfoProto input, long[] dims)
    {
        if (dims.Any(d => d <= 0) || dims.Aggregate(1.0, (a, b) => a * b) > MaxProbeElements)
        {
            throw new ModelException($"Input '{input.Name}' would be {TensorShape.Format(dims)}; every dimension must be positive and the whole at most {MaxProbeElements} elements.");
        }
    }

    /// <summary>
    /// The model with every tensor exposed as an output and its inputs declared at the sizes fed
    /// (the batch axis stays symbolic), so that ONNX Runtime's inference sizes every tensor; with
    /// the symbols that name the batch axis.
    /// </summary>
    /// <exception cref="ModelException">A size fed differs from a size the model fixes.</exception>
    private static (byte[] Model, IReadOnlySet<string> BatchSymbols) ProbeModel(OnnxModel model, IReadOnlyDictionary<string, long[]> inputDims)
    {
        var proto = model.Proto.Clone();
        var graph = proto.Graph;
        var batchSymbols = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
        {
            var dynamicBatch = ModelSignature.HasDynamicBatch(input);
            var fed = inputDims[input.Name];
            if (input.Type?.TensorType is not { } tensor)
            {
                continue;
            }

            if (tensor.Shape is null)
            {
                tensor.Shape = new TensorShapeProto();
                tensor.Shape.Dim.Add(fed.Select(_ => new TensorShapeProto.Types.Dimension()));
            }

            if (tensor.Shape.Dim.Count != fed.Length)
            {
                throw new ModelException($"Input '{input.Name}' of '{model.Description}' is declared {ValueInfos.FormatDims(input)}; it cannot take {TensorShape.Format(fed)}.");
            }

            for (var i = 0; i < fed.Length; i++)
            {
                var dim = tensor.Shape.Dim[i];
                if (i == 0 && dynamicBatch)
                {
                    dim.DimParam = dim.DimParam.Length > 0 ? dim.DimParam : BatchSymbol;
                    batchSymbols.Add(dim.DimParam);
                }
                else if (dim.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
                {
                    dim.DimValue = fed[i];
                }
                else if (dim.DimValue > 0 && dim.DimValue != fed[i])
                {
                    throw new ModelException($"Input '{input.Name}' of '{model.Description}' is declared {ValueInfos.FormatDims(input)}; it cannot take {TensorShape.Format(fed)} (dimension {i} is fixed at {dim.DimValue}).");
                }
            }
        }

        var existing = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var output in graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0 && existing.Add(o)))
        {
            graph.Output.Add(new ValueInfoProto { Name = output });
        }

        return (proto.ToByteArray(), batchSymbols);
    }

    private static (Dictionary<string, TensorInfo> Infos, Dictionary<string, long[]> IntValues) RunOnce(InferenceSession session, OnnxModel model, IReadOnlyDictionary<string, long[]> inputDims, int batch)
    {
        var random = new Random(0);
        var inputs = new List<OrtValue>();
        try
        {
            foreach (var input in model.Proto.Graph.Input)
            {
                inputs.Add(ProbeInput(input, BatchDims(input, inputDims[input.Name], batch), random));
            }

            using var runOptions = new RunOptions();
            var outputNames = session.OutputMetadata.Keys.ToArray();
            IDisposableReadOnlyCollection<OrtValue> results;
            try
            {
                results = session.Run(runOptions, model.Proto.Graph.Input.Select(i => i.Name).ToArray(), inputs, outputNames);
            }
            catch (OnnxRuntimeException e)
            {
                var sizes = string.Join(", ", model.Proto.Graph.Input.Select(i => $"'{i.Name}' {TensorShape.Format(inputDims[i.Name])}"));
                throw new ModelException($"Running '{model.Description}' at batch {batch} with input sizes {sizes} failed: {e.Message}", e);
            }

            using (results)
            {
                var infos = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
                var intValues = new Dictionary<string, long[]>(StringComparer.Ordinal);
                for (var i = 0; i < outputNames.Length; i++)
                {
                    if (results[i].OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
                    {
                        continue;
                    }

                    var info = results[i].GetTensorTypeAndShape();
                    infos[outputNames[i]] = new TensorInfo(OrtElementTypes.ToOnnx(info.ElementDataType), new TensorShape(info.Shape));
                    if (info.ElementCount <= MaxIntValues && info.ElementDataType is TensorElementType.Int64 or TensorElementType.Int32)
                    {
                        intValues[outputNames[i]] = info.ElementDataType == TensorElementType.Int64
                            ? results[i].GetTensorDataAsSpan<long>().ToArray()
                            : results[i].GetTensorDataAsSpan<int>().ToArray().Select(v => (long)v).ToArray();
                    }
                }

                foreach (var input in model.Proto.Graph.Input)
                {
                    var dims = inputs[model.Proto.Graph.Input.IndexOf(input)].GetTensorTypeAndShape().Shape;
                    infos[input.Name] = new TensorInfo((TensorProto.Types.DataType)input.Type.TensorType.ElemType, new TensorShape(dims));
                }

                foreach (var tensor in model.Proto.Graph.Initializer)
                {
                    infos[tensor.Name] = new TensorInfo((TensorProto.Types.DataType)tensor.DataType, new TensorShape(tensor.Dims));
                }

                return (infos, intValues);
            }
        }
        finally
        {
            foreach (var value in inputs)
            {
                value.Dispose();
            }
        }
    }

    private static OrtValue ProbeInput(ValueInfoProto input, long[] dims, Random random)
    {
        var type = (TensorProto.Types.DataType)(input.Type?.TensorType?.ElemType ?? 0);
        var count = (int)dims.Aggregate(1L, (a, b) => a * b);
        return type switch
        {
            TensorProto.Types.DataType.Float => OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, count).Select(_ => (float)random.NextDouble()).ToArray(), dims),
            TensorProto.Types.DataType.Double => OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, count).Select(_ => random.NextDouble()).ToArray(), dims),
            TensorProto.Types.DataType.Int64 => OrtValue.CreateTensorValueFromMemory(new long[count], dims),
            TensorProto.Types.DataType.Int32 => OrtValue.CreateTensorValueFromMemory(new int[count], dims),
            TensorProto.Types.DataType.Uint8 => OrtValue.CreateTensorValueFromMemory(new byte[count], dims),
            TensorProto.Types.DataType.Bool => OrtValue.CreateTensorValueFromMemory(new bool[count], dims),
            _ => throw new ModelException($"Input '{input.Name}' has element type {ElementTypes.Name(type)}; OnnxCd feeds float32, float64, int32, int64, uint8 or bool inputs."),
        };
    }
}
