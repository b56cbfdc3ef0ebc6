using System.Globalization;
using System.Reflection;
using Onnx;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Compilation;

/// <summary>
/// Compiles Cognitive Distillation into one ONNX model that any ONNX Runtime can run: the reference
/// pass over the unmasked images, then a <c>Loop</c> whose body is the CD step graph (the model, the
/// objective, its gradient and the Adam update), then the mask (tanh θ + 1)/2 and its sum. Standard
/// ONNX ops only. Inputs and outputs are named in <see cref="CompiledNames"/>.
/// </summary>
/// <remarks>
/// The reference graph's tensors are renamed under <c>r/</c> and the step graph's under <c>s/</c>, so
/// the loop body never shadows a name of the outer graph. The body keeps its own copy of the model's
/// weights: ONNX Runtime gives a subgraph's convolutions its blocked-layout (NCHWc) kernels only when
/// their weights are the subgraph's own initializers, and with weights read from the outer graph the
/// plain kernels' last-bit differences flipped a max-pool tie and moved one of 16 masks by 0.05 after
/// two steps (measured on the shipped model). The step-dependent Adam scalars are tables indexed by
/// the iteration number, from the same <see cref="AdamSchedule"/> as the managed step loop.
/// </remarks>
public static class CdCompiler
{
    private const string OuterPrefix = "r/";
    private const string InnerPrefix = "s/";

    /// <summary>Compiles CD with <paramref name="options"/> for images of <paramref name="imageDims"/> ([N,C,H,W]; N stays dynamic unless the model fixes it).</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="options">CD hyper-parameters, fixed into the compiled model.</param>
    /// <param name="imageDims">Image dimensions.</param>
    /// <param name="noise">Where the compiled model takes its noise colours from.</param>
    /// <param name="sourceSha256">The SHA-256 of the model file, recorded in the metadata.</param>
    /// <param name="target">The providers the compiled model must suit (<see cref="ProviderTarget.Cpu"/>: faster on the CPU provider, copies on CUDA).</param>
    /// <param name="probeMemory">The most bytes each shape probe may hold (<see cref="ModelProbe.Run"/>).</param>
    /// <exception cref="ModelException">The model cannot be used for CD (see <see cref="CdGraphBuilder.ModelShapes"/> and <see cref="CdGraphBuilder.Build"/>), or its compiled form would exceed 2 GiB.</exception>
    public static OnnxModel Compile(OnnxModel model, CdOptions options, long[] imageDims, CompiledNoise noise, string sourceSha256, ProviderTarget target = ProviderTarget.Any, long probeMemory = ModelProbe.DefaultMemoryLimit)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var graphs = CdGraphBuilder.Build(model, CdGraphBuilder.ModelShapes(model, options, imageDims, probeMemory), options, target);
        CheckSize(graphs, model.Description);
        var names = graphs.Names;
        var reference = graphs.Reference.Proto.Clone();
        var step = graphs.Step.Proto.Clone();

        GraphRenaming.Rename(reference.Graph, name => name == names.Image ? CompiledNames.Images : OuterPrefix + name, OuterPrefix);
        GraphRenaming.Rename(step.Graph, name => name == names.Image ? CompiledNames.Images : name == names.Target ? OuterPrefix + name : InnerPrefix + name, InnerPrefix);

        var outer = reference.Graph;
        outer.Name = "onnxcd_compiled";
        outer.Output.Clear();
        var opset = graphs.Opset;
        var e = new GraphEmitter(outer, opset) { Scope = "OnnxCd/Compile/" };
        var batchSymbol = ValueInfos.BatchSymbol(outer);
        var image = graphs.ImageShape;
        var maskShape = new TensorShape([image[0], 1, image[2], image[3]]);
        var source = AddNoiseInput(outer, noise, image, batchSymbol);

        var thetaFinal = Loop(e, outer, step.Graph, graphs, options, maskShape, source, batchSymbol);
        var mask = CdMask.Emit(e, thetaFinal);
        AddOutput(outer, e, mask, CompiledNames.Mask, batchSymbol);
        AddOutput(outer, e, e.ReduceSum(mask, [1, 2, 3], keepDims: false), CompiledNames.L1, batchSymbol);
        if (LogitsTensor(graphs, options) is { } logits)
        {
            AddOutput(outer, e, new TensorRef(OuterPrefix + logits, DataType.Float, ValueInfos.DeclaredShape(graphs.Reference.Proto.Graph.Output.First(o => o.Name == graphs.Predictions))), CompiledNames.Logits, batchSymbol);
        }

        GraphPruning.Prune(outer);
        var compiled = new ModelProto
        {
            IrVersion = step.IrVersion,
            ProducerName = "onnxcd",
            ProducerVersion = Version,
            Graph = outer,
            DocString = "Cognitive Distillation compiled by OnnxCd: images [N,C,H,W] in [0,1] -> mask [N,1,H,W], l1 [N] (small = suspicious), logits.",
        };
        compiled.OpsetImport.AddRange(step.OpsetImport.Select(o => o.Clone()));
        foreach (var (key, value) in Metadata(options, graphs, noise, sourceSha256))
        {
            compiled.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return OnnxModel.Wrap(compiled, model.Description + " (compiled CD)");
    }

    /// <summary>Refuses a model whose two weight copies would not fit one ONNX file (protobuf's 2 GiB; no external data here).</summary>
    private static void CheckSize(CdGraphs graphs, string description)
    {
        var bytes = graphs.Reference.Proto.Graph.Initializer.Concat(graphs.Step.Proto.Graph.Initializer).Sum(t => (long)t.CalculateSize());
        if (bytes > int.MaxValue - (64L << 20))
        {
            throw new ModelException($"Compiling '{description}' would write {bytes / (double)(1L << 30):F2} GiB of weights (the reference pass and the loop body each hold a copy); one ONNX file holds at most 2 GiB. Use onnxcd distill or scan for this model.");
        }
    }

    /// <summary>The seed [N] or noise [steps,N,C] input of the outer graph.</summary>
    private static TensorRef AddNoiseInput(GraphProto outer, CompiledNoise noise, TensorShape image, string batchSymbol)
    {
        if (noise == CompiledNoise.Seeds)
        {
            var seeds = new TensorInfo(DataType.Int64, new TensorShape([image[0]]));
            outer.Input.Add(ValueInfos.Create(CompiledNames.Seed, seeds, batchSymbol));
            return new TensorRef(CompiledNames.Seed, DataType.Int64, seeds.Shape);
        }

        var input = ValueInfos.Create(CompiledNames.Noise, new TensorInfo(DataType.Float, new TensorShape([TensorShape.Dynamic, image[0], image[1]])), batchSymbol);
        input.Type.TensorType.Shape.Dim[0].DimParam = "steps";
        outer.Input.Add(input);
        return new TensorRef(CompiledNames.Noise, DataType.Float, new TensorShape([TensorShape.Dynamic, image[0], image[1]]));
    }

    /// <summary>θ₀ and zero Adam moments → Loop(steps) over the step graph → the final θ.</summary>
    private static TensorRef Loop(GraphEmitter e, GraphProto outer, GraphProto body, CdGraphs graphs, CdOptions options, TensorShape maskShape, TensorRef source, string batchSymbol)
    {
        var images = new TensorRef(CompiledNames.Images, DataType.Float, graphs.ImageShape);
        var dims = maskShape.IsStatic
            ? e.Ints(maskShape.ToArray())
            : e.Concat([e.Slice(e.Shape(images), [0], [1], [0], null, new TensorShape([1])), e.Ints(1, maskShape[2], maskShape[3])], 0, new TensorShape([4]));
        var theta0 = Filled(e, dims, options.InitialTheta, maskShape);
        var zeros = Filled(e, dims, 0, maskShape);

        // Adam's step-dependent scalars as tables indexed by the iteration (which counts from 0, steps from 1).
        var steps = Enumerable.Range(1, options.Steps).ToArray();
        var negStepSize = e.Constant(steps.Select(t => AdamSchedule.NegStepSize(options, t)).ToArray(), [options.Steps], DataType.Float);
        var correction = e.Constant(steps.Select(t => AdamSchedule.BiasCorrection2Sqrt(options, t)).ToArray(), [options.Steps], DataType.Float);
        var outerScope = outer.Input.Select(i => i.Name).Concat(outer.Initializer.Select(i => i.Name)).Concat(outer.Node.SelectMany(n => n.Output)).ToList();
        BuildBody(body, graphs, maskShape, source, negStepSize, correction, batchSymbol, outerScope);
        e.Reserve(body.Node.SelectMany(n => n.Output).Concat(body.Initializer.Select(i => i.Name)).Concat(body.Input.Select(i => i.Name)));

        var state = new TensorInfo(DataType.Float, maskShape);
        var outputs = e.OpMulti(
            "Loop",
            [e.Constant([options.Steps], [], DataType.Int64), e.Constant([1], [], DataType.Bool), theta0, zeros, zeros],
            [(state.ElementType, state.Shape), (state.ElementType, state.Shape), (state.ElementType, state.Shape)],
            new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body });
        return outputs[0];
    }

    /// <summary>Turns the renamed step graph into the loop body: (t, cond, θ, m, v) → (cond, θ', m', v').</summary>
    private static void BuildBody(GraphProto body, CdGraphs graphs, TensorShape maskShape, TensorRef source, TensorRef negStepSize, TensorRef correction, string batchSymbol, IEnumerable<string> outerScope)
    {
        var names = graphs.Names;
        body.Name = "onnxcd_cd_step";
        body.Input.Clear();
        body.Output.Clear();
        var e = new GraphEmitter(body, graphs.Opset) { Scope = InnerPrefix + "OnnxCd/" };
        e.Reserve(outerScope);
        var scalarInt = new TensorInfo(DataType.Int64, new TensorShape([]));
        var scalarBool = new TensorInfo(DataType.Bool, new TensorShape([]));
        var state = new TensorInfo(DataType.Float, maskShape);
        var iteration = new TensorRef(e.UniqueName(InnerPrefix + "OnnxCd/iteration"), DataType.Int64, scalarInt.Shape);
        var condition = new TensorRef(e.UniqueName(InnerPrefix + "OnnxCd/condition"), DataType.Bool, scalarBool.Shape);
        body.Input.Add(ValueInfos.Create(iteration.Name, scalarInt, batchSymbol));
        body.Input.Add(ValueInfos.Create(condition.Name, scalarBool, batchSymbol));
        foreach (var carried in new[] { names.Theta, names.AdamM, names.AdamV })
        {
            body.Input.Add(ValueInfos.Create(InnerPrefix + carried, state, batchSymbol));
        }

        var conditionOut = e.UniqueName(InnerPrefix + "OnnxCd/condition_out");
        e.Feed(condition, conditionOut);
        body.Output.Add(ValueInfos.Create(conditionOut, scalarBool, batchSymbol));
        foreach (var carried in new[] { names.ThetaNext, names.AdamMNext, names.AdamVNext })
        {
            body.Output.Add(ValueInfos.Create(InnerPrefix + carried, state, batchSymbol));
        }

        var scalar = new TensorShape([]);
        e.Feed(e.Op("Gather", [negStepSize, iteration], DataType.Float, scalar, Attributes.Int("axis", 0)), InnerPrefix + names.NegStepSize);
        e.Feed(e.Op("Gather", [correction, iteration], DataType.Float, scalar, Attributes.Int("axis", 0)), InnerPrefix + names.BiasCorrection2Sqrt);
        var channels = graphs.ImageShape[1];
        var colours = source.Name == CompiledNames.Seed
            ? SeededNoiseGraph.Emit(e, source, iteration, channels)
            : e.Unsqueeze(e.Op("Gather", [source, iteration], DataType.Float, new TensorShape([maskShape[0], channels]), Attributes.Int("axis", 0)), [2, 3], new TensorShape([maskShape[0], channels, 1, 1]));
        e.Feed(colours, InnerPrefix + names.Noise);
        GraphPruning.Prune(body, outerScope);
    }

    private static TensorRef Filled(GraphEmitter e, TensorRef dims, float value, TensorShape shape)
    {
        var fill = Tensors.Create([value], [1], DataType.Float);
        return e.Op("ConstantOfShape", [dims], DataType.Float, shape, new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = fill });
    }

    private static void AddOutput(GraphProto graph, GraphEmitter e, TensorRef value, string name, string batchSymbol)
    {
        e.Feed(value, name);
        graph.Output.Add(ValueInfos.Create(name, new TensorInfo(value.ElementType, value.KnownShape), batchSymbol));
    }

    /// <summary>The reference graph's tensor holding the model's logits (before any softmax of probability mode), or null.</summary>
    private static string? LogitsTensor(CdGraphs graphs, CdOptions options) =>
        graphs.Predictions is null ? null
        : graphs.Predictions == graphs.Names.Logits ? graphs.Names.Logits
        : options.Mode == CdMode.Probs ? graphs.Matched
        : graphs.Names.Target;

    private static IEnumerable<(string Key, string Value)> Metadata(CdOptions o, CdGraphs graphs, CompiledNoise noise, string sourceSha256)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        yield return ("onnxcd.compiled.source_sha256", sourceSha256);
        yield return ("onnxcd.compiled.onnxcd_version", Version);
        yield return ("onnxcd.compiled.mode", o.Mode.ToString().ToLowerInvariant());
        yield return ("onnxcd.compiled.matched_tensor", graphs.Matched);
        yield return ("onnxcd.compiled.steps", o.Steps.ToString(CultureInfo.InvariantCulture));
        yield return ("onnxcd.compiled.lr", F(o.EffectiveLearningRate));
        yield return ("onnxcd.compiled.alpha", F(o.EffectiveAlpha));
        yield return ("onnxcd.compiled.beta", F(o.EffectiveBeta));
        yield return ("onnxcd.compiled.adam_betas", $"{F(o.Beta1)},{F(o.Beta2)}");
        yield return ("onnxcd.compiled.adam_eps", F(o.Epsilon));
        yield return ("onnxcd.compiled.theta0", F(o.InitialTheta));
        yield return ("onnxcd.compiled.noise", noise == CompiledNoise.Seeds ? "seed input [N] int64, colours drawn in the graph" : "noise input [steps,N,C] float32");
        yield return ("onnxcd.compiled.normalisation", o.Mean is { } mean && o.Std is { } std
            ? $"mean {string.Join(",", mean.Select(v => F(v)))}; std {string.Join(",", std.Select(v => F(v)))} (inside the graph; feed pixels in [0,1])"
            : "none");
        yield return ("onnxcd.compiled.reduction", "sum of per-sample objectives (each image evolves as alone)");
    }

    private static string Version => typeof(CdCompiler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
