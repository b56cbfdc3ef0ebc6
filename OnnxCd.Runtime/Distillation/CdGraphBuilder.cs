using Onnx;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Execution;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Distillation;

/// <summary>
/// Wraps a classifier into the Cognitive Distillation graphs (cd-algorithm.md section 1): the mask
/// m = (tanh θ + 1)/2, the blend x_cp = x·m + (1 − m)·δ, the model, the per-sample objective
/// mean|f(x_cp) − f(x)| + α·Σm + β·TV(m), its gradient with respect to θ (the gradient engine) and
/// the Adam update, all as ONNX nodes.
/// </summary>
/// <remarks>
/// The per-sample objectives are summed over the batch before differentiating, where the original
/// code takes their mean. Samples are independent, so each θ gets exactly the gradient the original
/// gives it at batch size 1; with the mean, Adam's ε would weigh differently at each batch size and
/// results would depend on the batch size.
/// </remarks>
public static class CdGraphBuilder
{
    /// <summary>
    /// Checks that <paramref name="model"/> can be distilled with <paramref name="options"/> and runs
    /// it on the CPU (<see cref="ModelProbe"/>) to learn the shape of every tensor for images of
    /// <paramref name="imageDims"/> ([N,C,H,W]; N does not matter unless the model fixes its batch
    /// size, which then wins): what <see cref="Build"/> needs.
    /// </summary>
    /// <param name="model">The classifier.</param>
    /// <param name="options">CD hyper-parameters.</param>
    /// <param name="imageDims">Image dimensions.</param>
    /// <param name="probeMemory">The most bytes the probe may hold (<see cref="ModelProbe.Run"/>).</param>
    /// <exception cref="ModelException">The model cannot be used: its input is not one float32 image, a BatchNormalization is in training mode, or probing its shapes fails or would hold more than <paramref name="probeMemory"/>.</exception>
    /// <exception cref="ArgumentException">The options do not fit the model (for example a normalisation with another channel count).</exception>
    public static TensorShapes ModelShapes(OnnxModel model, CdOptions options, long[] imageDims, long probeMemory = ModelProbe.DefaultMemoryLimit)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var signature = ModelSignature.Of(model);
        var input = signature.ImageInput(imageDims);
        CheckFits(signature, options, imageDims[1]);
        return ModelProbe.Run(model, new Dictionary<string, long[]> { [input] = signature.WithFixedBatch(imageDims) }, probeMemory);
    }

    /// <summary>Builds the reference and step graphs from the model's shapes (<see cref="ModelShapes"/>); runs nothing.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="shapes">The model's shapes at the image size (<see cref="ModelShapes"/>).</param>
    /// <param name="options">CD hyper-parameters.</param>
    /// <param name="target">The providers the step graph must run on: <see cref="ProviderTarget.Cpu"/> uses faster CPU-only kernels where there are some.</param>
    /// <exception cref="ModelException">The model cannot be used: its input is not one float32 image, a BatchNormalization is in training mode, the matched tensor is missing, or a node cannot be differentiated.</exception>
    /// <exception cref="ArgumentException">The options do not fit the model (for example a normalisation with another channel count).</exception>
    public static CdGraphs Build(OnnxModel model, TensorShapes shapes, CdOptions options, ProviderTarget target = ProviderTarget.Any)
    {
        var (context, logits) = Prepare(model, shapes, options);
        var (names, matched) = (context.Names, context.Matched);
        var reference = BuildReference(context, logits);
        var (objective, total, objectiveShapes) = BuildObjective(context);
        var gradient = GradientBuilder.Build(objective, GradientRequest.OfLoss(total, names.Theta) with { Target = target }, objectiveShapes);
        var step = AppendAdam(context, gradient, objectiveShapes[names.Theta]);
        var predictions = logits is null ? null : options.Mode == CdMode.Features ? names.Logits : names.Target;
        return new CdGraphs(reference, objective, objectiveShapes, step, names, matched, context.ImageInfo.Shape, context.TargetInfo.Shape, predictions, gradient.Opset, gradient.BackwardNodeCount);
    }

    /// <summary>
    /// The reference graph alone: images in [0,1] → the model's normalisation → the model → the tensor the
    /// options match (<see cref="CdNames.Target"/>). One forward pass, nothing differentiated; with
    /// <see cref="CdMode.Features"/> it gives the model's feature map.
    /// </summary>
    /// <param name="model">The classifier.</param>
    /// <param name="shapes">The model's shapes at the image size (<see cref="ModelShapes"/>).</param>
    /// <param name="options">CD hyper-parameters: the mode, the matched tensor and the normalisation.</param>
    /// <exception cref="ModelException">The model cannot be used, or the matched tensor is missing.</exception>
    public static (OnnxModel Graph, CdNames Names) BuildForward(OnnxModel model, TensorShapes shapes, CdOptions options)
    {
        var (context, _) = Prepare(model, shapes, options);
        return (BuildReference(context, null), context.Names);
    }

    /// <summary>Checks the model against the options and picks the matched tensor, the CD names and, where there are some, the logits for predicted labels.</summary>
    private static (Context Context, string? Logits) Prepare(OnnxModel model, TensorShapes shapes, CdOptions options)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var signature = ModelSignature.Of(model);
        var input = signature.SingleInput("CD needs a model with one image input");
        var imageShape = shapes[input].Shape;
        signature.ImageInput(imageShape.ToArray());
        CheckFits(signature, options, imageShape[1]);

        var matched = MatchedTensor(signature, options, shapes);
        CheckFollowsBatch(model, matched, shapes[matched].Shape, imageShape);
        var context = new Context(model, options, input, matched, shapes, PickNames(model));
        var logits = options.Mode == CdMode.Features ? LogitsOutput(model, options, shapes) : shapes[matched].Shape.Rank == 2 ? matched : null;
        return (context, logits);
    }

    /// <summary>Refuses a matched tensor without one row per image: its first axis must be the images' batch axis.</summary>
    private static void CheckFollowsBatch(OnnxModel model, string matched, TensorShape target, TensorShape image)
    {
        if (target.Rank == 0 || (image.IsDynamic(0) ? !target.IsDynamic(0) : target[0] != image[0]))
        {
            throw new ModelException($"Tensor '{matched}' of '{model.Description}' has shape {target}, whose first axis does not follow the batch axis of the images {image}; CD matches one row per image.");
        }
    }

    /// <summary>Refuses a model in training mode, and a normalisation for another channel count.</summary>
    private static void CheckFits(ModelSignature signature, CdOptions options, long channels)
    {
        if (signature.TrainingModeBatchNorms is [_, ..] training)
        {
            throw new ModelException($"BatchNormalization node(s) {string.Join(", ", training)} of '{signature.Model.Description}' are in training mode (batch statistics): export the model in eval mode (model.eval()).");
        }

        if (options.Mean is { Count: var count } && count != channels)
        {
            throw new SettingException($"{Setting.Normalisation} give {count} values but the model input has {channels} channels.");
        }
    }

    private static string MatchedTensor(ModelSignature signature, CdOptions options, TensorShapes shapes)
    {
        var model = signature.Model;
        if (options.Mode == CdMode.Features)
        {
            var feature = options.Feature ?? FeatureLocator.Find(model, shapes)?.Name
                ?? throw new ModelException(Setting.Message($"Model '{model.Description}' has no 4-D feature map; name the CD-F tensor with {Setting.Feature}."));
            if (shapes.Find(feature) is not { IsFloat: true, Shape.Rank: >= 2 })
            {
                var candidates = model.Proto.Graph.Node.SelectMany(n => n.Output).Where(o => shapes.Find(o) is { IsFloat: true, Shape.Rank: 4 }).TakeLast(5);
                throw new ModelException($"Feature tensor '{feature}' is not a float tensor of rank 2 or more in '{model.Description}'. Its last 4-D tensors are: [{string.Join(", ", candidates)}]");
            }

            return feature;
        }

        if (options.Output is not { } output)
        {
            return signature.SingleFloatOutput(shapes, $"choose the logits with {Setting.Output}");
        }

        var floats = signature.FloatOutputs(shapes);
        return floats.Contains(output)
            ? output
            : throw new ModelException($"Output '{output}' not found among the float outputs of '{model.Description}': [{string.Join(", ", floats)}]");
    }

    /// <summary>In CD-F, the model's logits for predicted labels: <see cref="CdOptions.Output"/>, or the only float output of rank 2; null when there is none.</summary>
    private static string? LogitsOutput(OnnxModel model, CdOptions options, TensorShapes shapes)
    {
        var candidates = model.OutputNames.Where(o => shapes[o] is { IsFloat: true, Shape.Rank: 2 }).ToList();
        return options.Output is { } output && candidates.Contains(output) ? output : candidates.Count == 1 ? candidates[0] : null;
    }

    /// <summary>The CD tensor names, suffixed where the model already uses them.</summary>
    private static CdNames PickNames(OnnxModel model)
    {
        var e = new GraphEmitter(model.Proto.Graph, model.Opset);
        return new CdNames(
            e.UniqueName("image"), e.UniqueName("target"), e.UniqueName("theta"), e.UniqueName("noise"),
            e.UniqueName("adam_m"), e.UniqueName("adam_v"), e.UniqueName("neg_step_size"), e.UniqueName("bias_correction2_sqrt"),
            e.UniqueName("theta_next"), e.UniqueName("adam_m_next"), e.UniqueName("adam_v_next"), e.UniqueName("loss"), e.UniqueName("logits"));
    }

    /// <summary>What every graph built here needs to know.</summary>
    private sealed record Context(OnnxModel Model, CdOptions Options, string ModelInput, string Matched, TensorShapes Shapes, CdNames Names)
    {
        public TensorInfo ImageInfo => Shapes[ModelInput];

        public TensorInfo TargetInfo => Shapes[Matched];
    }

    /// <summary>A copy of the model with its graph inputs and outputs cleared and its names reserved.</summary>
    private static (ModelProto Proto, GraphEmitter Emitter, string BatchSymbol) Open(Context c)
    {
        var proto = c.Model.Proto.Clone();
        var batchSymbol = ValueInfos.BatchSymbol(proto.Graph);
        var emitter = new GraphEmitter(proto.Graph, c.Model.Opset) { Scope = "OnnxCd/CD/" };
        proto.Graph.Input.Clear();
        proto.Graph.Output.Clear();
        return (proto, emitter, batchSymbol);
    }

    private static TensorRef AddInput(ModelProto proto, GraphEmitter e, string name, TensorInfo info, string batchSymbol)
    {
        if (e.UniqueName(name) != name)
        {
            throw new InvalidOperationException($"CD tensor name '{name}' is already taken in the graph.");
        }

        proto.Graph.Input.Add(ValueInfos.Create(name, info, batchSymbol));
        return new TensorRef(name, info.ElementType, info.Shape);
    }

    private static TensorRef AddOutput(ModelProto proto, GraphEmitter e, TensorRef value, string name, string batchSymbol)
    {
        var output = e.Rename(value, name);
        proto.Graph.Output.Add(ValueInfos.Create(output.Name, new TensorInfo(output.ElementType, output.KnownShape), batchSymbol));
        return output;
    }

    /// <summary>Pixels in [0,1] → (x − mean)/std when the model expects normalised input → the model's own input.</summary>
    private static TensorRef ThroughModel(Context c, GraphEmitter e, TensorRef pixels)
    {
        var x = pixels;
        if (c.Options.Mean is { } mean && c.Options.Std is { } std)
        {
            long[] perChannel = [1, mean.Count, 1, 1];
            x = e.Div(e.Sub(x, e.Constant(mean.Select(v => (double)v).ToArray(), perChannel, DataType.Float)), e.Constant(std.Select(v => (double)v).ToArray(), perChannel, DataType.Float));
        }

        e.Feed(x, c.ModelInput);
        var matched = new TensorRef(c.Matched, c.TargetInfo.ElementType, c.TargetInfo.Shape);
        return c.Options.Mode == CdMode.Probs
            ? e.Op("Softmax", [matched], matched.ElementType, matched.Shape, Attributes.Int("axis", 1))
            : matched;
    }

    /// <summary>image → model → target (and, in CD-F, the logits): run once per batch for the unmasked images.</summary>
    private static OnnxModel BuildReference(Context c, string? logits)
    {
        var (proto, e, batchSymbol) = Open(c);
        var image = AddInput(proto, e, c.Names.Image, c.ImageInfo, batchSymbol);
        AddOutput(proto, e, ThroughModel(c, e, image), c.Names.Target, batchSymbol);
        if (c.Options.Mode == CdMode.Features && logits is not null)
        {
            var info = c.Shapes[logits];
            AddOutput(proto, e, new TensorRef(logits, info.ElementType, info.Shape), c.Names.Logits, batchSymbol);
        }

        GraphPruning.Prune(proto.Graph);
        return OnnxModel.Wrap(proto, c.Model.Description + " (CD reference)");
    }

    /// <summary>
    /// (image, target, θ, noise) → per-sample objective, and their sum to differentiate; with the
    /// shapes of its tensors: the model's, and those of the nodes emitted around it.
    /// </summary>
    private static (OnnxModel Objective, string Total, TensorShapes Shapes) BuildObjective(Context c)
    {
        var (proto, e, batchSymbol) = Open(c);
        var imageShape = c.ImageInfo.Shape;
        var maskShape = new TensorShape([imageShape[0], 1, imageShape[2], imageShape[3]]);
        var image = AddInput(proto, e, c.Names.Image, c.ImageInfo, batchSymbol);
        var target = AddInput(proto, e, c.Names.Target, c.TargetInfo, batchSymbol);
        var theta = AddInput(proto, e, c.Names.Theta, new TensorInfo(DataType.Float, maskShape), batchSymbol);
        var noise = AddInput(proto, e, c.Names.Noise, new TensorInfo(DataType.Float, new TensorShape([imageShape[0], imageShape[1], 1, 1])), batchSymbol);
        var one = e.Scalar(1, DataType.Float);

        // x_cp = x·m + (1 − m)·δ
        var mask = CdMask.Emit(e, theta);
        var blended = e.Add(e.Mul(image, mask), e.Mul(e.Sub(one, mask), noise));
        var output = ThroughModel(c, e, blended);

        // distance = mean over the matched tensor's elements of |f(x_cp) − f(x)|
        var outputShape = output.KnownShape;
        var elementAxes = Enumerable.Range(1, outputShape.Rank - 1).Select(a => (long)a).ToArray();
        var elements = outputShape.Dims.Skip(1).Aggregate(1L, (a, b) => a * b);
        var distance = e.Mul(e.ReduceSum(e.Abs(e.Sub(output, target)), elementAxes, keepDims: false), 1.0 / elements);

        // ‖m‖₁ = Σ m;  TV(m) = [Σ (m[i+1,j] − m[i,j])² + Σ (m[i,j+1] − m[i,j])²] / (H·W)
        long[] maskAxes = [1, 2, 3];
        var l1 = e.ReduceSum(mask, maskAxes, keepDims: false);
        var tv = e.Mul(e.Add(SquaredDifferences(e, mask, 2), SquaredDifferences(e, mask, 3)), 1.0 / (imageShape[2] * imageShape[3]));
        var loss = e.Add(e.Add(distance, e.Mul(l1, c.Options.EffectiveAlpha)), e.Mul(tv, c.Options.EffectiveBeta));

        var perSample = AddOutput(proto, e, loss, c.Names.Loss, batchSymbol);
        var sum = e.ReduceSum(perSample, [0], keepDims: false);
        proto.Graph.Output.Add(ValueInfos.Create(sum.Name, new TensorInfo(DataType.Float, new TensorShape([])), batchSymbol));
        GraphPruning.Prune(proto.Graph);
        var inputs = new[] { image, target, theta, noise }.Select(i => KeyValuePair.Create(i.Name, new TensorInfo(i.ElementType, i.KnownShape)));
        var shapes = c.Shapes.With(inputs.Concat(e.Emitted), c.Shapes.Source + ", and the CD nodes' own shapes");
        return (OnnxModel.Wrap(proto, c.Model.Description + " (CD objective)"), sum.Name, shapes);
    }

    /// <summary>Σ over a sample of the squared differences of neighbours along <paramref name="axis"/> (0 when the axis has one element).</summary>
    private static TensorRef SquaredDifferences(GraphEmitter e, TensorRef mask, int axis)
    {
        var shape = mask.KnownShape;
        var size = shape[axis];
        if (size < 2)
        {
            return e.Mul(e.ReduceSum(mask, [1, 2, 3], keepDims: false), 0.0);
        }

        var cut = new TensorShape(shape.Dims.Select((d, i) => i == axis ? size - 1 : d));
        var next = e.Slice(mask, [1], [size], [axis], null, cut);
        var previous = e.Slice(mask, [0], [size - 1], [axis], null, cut);
        var difference = e.Sub(next, previous);
        return e.ReduceSum(e.Mul(difference, difference), [1, 2, 3], keepDims: false);
    }

    /// <summary>
    /// PyTorch's Adam step (single-tensor form): m' = β₁m + (1 − β₁)g, v' = β₂v + (1 − β₂)g²,
    /// θ' = θ + (−lr/(1 − β₁ᵗ))·m' / (√v' / √(1 − β₂ᵗ) + ε); the two step-dependent scalars are inputs.
    /// </summary>
    private static OnnxModel AppendAdam(Context c, GradientModel gradient, TensorInfo thetaInfo)
    {
        var proto = gradient.Model.Proto;
        var graph = proto.Graph;
        var batchSymbol = ValueInfos.BatchSymbol(graph);
        var e = new GraphEmitter(graph, gradient.Opset) { Scope = "OnnxCd/Adam/" };
        var names = c.Names;
        var o = c.Options;
        var scalar = new TensorInfo(DataType.Float, new TensorShape([]));
        var m = AddInput(proto, e, names.AdamM, thetaInfo, batchSymbol);
        var v = AddInput(proto, e, names.AdamV, thetaInfo, batchSymbol);
        var negStepSize = AddInput(proto, e, names.NegStepSize, scalar, batchSymbol);
        var correction = AddInput(proto, e, names.BiasCorrection2Sqrt, scalar, batchSymbol);
        var g = new TensorRef(gradient.GradientOutputs[names.Theta], DataType.Float, thetaInfo.Shape);
        var theta = new TensorRef(names.Theta, DataType.Float, thetaInfo.Shape);

        var mNext = e.Add(e.Mul(m, o.Beta1), e.Mul(g, 1.0 - o.Beta1));
        var vNext = e.Add(e.Mul(v, o.Beta2), e.Mul(e.Mul(g, g), 1.0 - o.Beta2));
        var denominator = e.Add(e.Div(e.Sqrt(vNext), correction), e.Scalar(o.Epsilon, DataType.Float));
        var thetaNext = e.Add(theta, e.Mul(e.Div(mNext, denominator), negStepSize));

        graph.Output.Clear();
        AddOutput(proto, e, thetaNext, names.ThetaNext, batchSymbol);
        AddOutput(proto, e, mNext, names.AdamMNext, batchSymbol);
        AddOutput(proto, e, vNext, names.AdamVNext, batchSymbol);
        graph.Output.Add(ValueInfos.Create(names.Loss, new TensorInfo(DataType.Float, new TensorShape([thetaInfo.Shape[0]])), batchSymbol));
        GraphPruning.Prune(graph);
        return OnnxModel.Wrap(proto, c.Model.Description + " (CD step)");
    }
}
