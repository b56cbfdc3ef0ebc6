using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Runtime.Detection;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Compilation;

/// <summary>
/// A compiled CD model that decides by itself: <see cref="Learn"/> runs the compiled model over a
/// trusted clean reference set (seed = the sample's index) and learns the threshold on suspicion that
/// a rule gives there; <see cref="AddFlag"/> adds the output <see cref="CompiledNames.Flagged"/>, true
/// where the image's L1 is below its cutoff, and records the rule in the metadata.
/// </summary>
/// <remarks>
/// Suspicion s > t becomes a cutoff on L1 so that the graph needs only a comparison:
/// <see cref="SuspicionKind.MaskSize"/>: −L1 > t ⇔ L1 &lt; −t;
/// <see cref="SuspicionKind.ClassRelative"/>: ln q(c) − ln L1 > t ⇔ L1 &lt; q(c)·e^(−t), with q(c) the
/// reference's 0.75-quantile L1 of the predicted class c (L1 taken as at least
/// <see cref="Suspicion.SmallestL1"/>, as the score does). Each cutoff is rounded up to the next
/// float32, so that for every float32 L1 the comparison in float32 decides as the score's comparison in
/// double does (for class-relative up to the last bit of ln and exp).
/// </remarks>
public static class CompiledFilter
{
    private const string MetadataPrefix = "onnxcd.compiled.filter.";

    /// <summary>
    /// The default filter suspicion for masks of <paramref name="mode"/>: <see cref="SuspicionKind.ClassRelative"/>
    /// in probability mode and <see cref="SuspicionKind.MaskSize"/> otherwise. A compiled model judges
    /// each image alone, so it cannot use the scan's <see cref="SuspicionKind.SizeShapeFamily"/>, which
    /// compares mask shapes across the whole scan.
    /// </summary>
    public static SuspicionKind DefaultSuspicion(CdMode mode) => mode == CdMode.Probs ? SuspicionKind.ClassRelative : SuspicionKind.MaskSize;

    /// <summary>Learns <paramref name="rule"/>'s threshold from the clean <paramref name="reference"/>, distilled by <paramref name="compiled"/>.</summary>
    /// <param name="compiled">A model from <see cref="CdCompiler.Compile"/> with the seed input.</param>
    /// <param name="reference">Trusted clean images at the model's size.</param>
    /// <param name="referenceName">How the reference is named in the rule (for example its file name).</param>
    /// <param name="rule">The rule, applied to the reference's suspicion scores (<see cref="ThresholdRule.ComputeOnReference"/>).</param>
    /// <param name="suspicion">How suspicion is scored.</param>
    /// <param name="execution">Where the reference is distilled.</param>
    /// <param name="batchSize">Images per run.</param>
    /// <param name="progress">Called after each batch with the samples done and the total.</param>
    /// <exception cref="ArgumentException">The compiled model takes noise instead of seeds, or the suspicion needs mask shapes across a scan.</exception>
    /// <exception cref="ModelException">Class-relative suspicion on a compiled model without logits.</exception>
    /// <exception cref="SettingException">The reference has fewer than 2 readable samples (<see cref="ThresholdRule.ComputeOnReference"/>).</exception>
    public static FilterRule Learn(OnnxModel compiled, DatasetSource reference, string referenceName, ThresholdRule rule, SuspicionKind suspicion, ExecutionOptions execution, int batchSize, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var graph = compiled.Proto.Graph;
        if (graph.Input.All(i => i.Name != CompiledNames.Seed))
        {
            throw new ArgumentException($"A compiled filter learns its threshold with the '{CompiledNames.Seed}' input (seed = the image's index); this model takes '{CompiledNames.Noise}'.");
        }

        if (Suspicion.NeedsShape(suspicion))
        {
            throw new ArgumentException($"A compiled filter judges each image alone, from its own mask size; {suspicion} suspicion compares mask shapes across a whole scan. Use {SuspicionKind.ClassRelative} or {SuspicionKind.MaskSize}.", nameof(suspicion));
        }

        var classes = ClassCount(graph);
        if (suspicion == SuspicionKind.ClassRelative && classes is null)
        {
            throw new ModelException($"Class-relative suspicion needs the model's logits to find each image's class, and '{compiled.Description}' has no single logits output; score by mask size instead.");
        }

        var image = ValueInfos.DeclaredShape(graph.Input.First(i => i.Name == CompiledNames.Images));
        var (l1, predicted, unreadable) = Distil(compiled, reference, [image[1], image[2], image[3]], classes is not null, execution, batchSize, progress);
        var described = $"{referenceName} ({reference.Description})";
        var scores = Suspicion.Compute(suspicion, l1, predicted);
        var threshold = rule.ComputeOnReference(scores);
        var flagged = scores.LongCount(threshold.Flags);
        if (suspicion == SuspicionKind.MaskSize)
        {
            return new FilterRule(suspicion, threshold, [RoundUp(-threshold.Value)], l1.Count, unreadable, described, [], flagged);
        }

        // L1 < q(c)·e^(−t); a cutoff at or below the smallest L1 the score distinguishes flags nothing.
        var scales = Suspicion.ClassScales(l1, predicted);
        var pooled = Suspicion.ClassScales(l1, null)[0];
        var cutoffs = Enumerable.Range(0, (int)classes!.Value)
            .Select(c => Math.Exp(scales.GetValueOrDefault(c, pooled) - threshold.Value))
            .Select(cutoff => cutoff <= Suspicion.SmallestL1 ? 0f : RoundUp(cutoff))
            .ToArray();
        var missing = Enumerable.Range(0, (int)classes.Value).Select(c => (long)c).Where(c => !scales.ContainsKey(c)).ToList();
        return new FilterRule(suspicion, threshold, cutoffs, l1.Count, unreadable, described, missing, flagged);
    }

    /// <summary>The compiled model with the output <see cref="CompiledNames.Flagged"/> (bool [N]) and <paramref name="rule"/> in its metadata.</summary>
    public static OnnxModel AddFlag(OnnxModel compiled, FilterRule rule)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        ArgumentNullException.ThrowIfNull(rule);
        var proto = compiled.Proto.Clone();
        var graph = proto.Graph;
        var e = new GraphEmitter(graph, compiled.Opset) { Scope = "OnnxCd/Filter/" };
        var batchSymbol = ValueInfos.BatchSymbol(graph);
        var l1Info = graph.Output.First(o => o.Name == CompiledNames.L1);
        var l1 = new TensorRef(CompiledNames.L1, DataType.Float, ValueInfos.DeclaredShape(l1Info));
        TensorRef cutoff;
        if (rule.Cutoffs.Length == 1)
        {
            cutoff = e.Constant([rule.Cutoffs[0]], [], DataType.Float);
        }
        else
        {
            var logits = graph.Output.First(o => o.Name == CompiledNames.Logits);
            var predicted = e.Op("ArgMax", [new TensorRef(CompiledNames.Logits, DataType.Float, ValueInfos.DeclaredShape(logits))], DataType.Int64, l1.Shape, Attributes.Int("axis", 1), Attributes.Int("keepdims", 0));
            var table = e.Constant(rule.Cutoffs.Select(c => (double)c).ToArray(), [rule.Cutoffs.Length], DataType.Float);
            cutoff = e.Op("Gather", [table, predicted], DataType.Float, l1.Shape, Attributes.Int("axis", 0));
        }

        // flagged = l1 < cutoff (of the predicted class)
        e.Feed(e.Op("Less", [l1, cutoff], DataType.Bool, l1.Shape), CompiledNames.Flagged);
        graph.Output.Add(ValueInfos.Create(CompiledNames.Flagged, new TensorInfo(DataType.Bool, l1.KnownShape), batchSymbol));
        foreach (var (key, value) in Metadata(rule))
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return OnnxModel.Wrap(proto, compiled.Description);
    }

    /// <summary>The filter's entries of a compiled model's metadata (empty when it has no filter), for example for a Triton config.</summary>
    public static IReadOnlyList<(string Key, string Value)> MetadataOf(OnnxModel compiled)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        return compiled.Proto.MetadataProps.Where(p => p.Key.StartsWith(MetadataPrefix, StringComparison.Ordinal)).Select(p => (p.Key, p.Value)).ToList();
    }

    private static IEnumerable<(string Key, string Value)> Metadata(FilterRule rule)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var perClass = rule.Cutoffs.Length > 1;
        yield return (MetadataPrefix + "output", perClass
            ? $"{CompiledNames.Flagged} = {CompiledNames.L1} < cutoffs[argmax {CompiledNames.Logits}]"
            : $"{CompiledNames.Flagged} = {CompiledNames.L1} < cutoff");
        yield return (MetadataPrefix + "suspicion", rule.Suspicion == SuspicionKind.MaskSize ? "mask size: -L1" : "class-relative: ln(q75 of the predicted class's reference L1 / L1)");
        yield return (MetadataPrefix + "rule", $"suspicion > {F(rule.Threshold.Value)}: {rule.Threshold.Rule}");
        yield return (MetadataPrefix + "threshold", F(rule.Threshold.Value));
        yield return (MetadataPrefix + (perClass ? "cutoffs" : "cutoff"), string.Join(",", rule.Cutoffs.Select(c => F(c))));
        yield return (MetadataPrefix + "reference", $"{rule.Reference}: {rule.ReferenceSamples} samples, {rule.ReferenceUnreadable} unreadable, {rule.ReferenceFlagged} flagged by the rule");
        if (rule.ClassesWithoutReference.Count > 0)
        {
            yield return (MetadataPrefix + "classes_without_reference", $"{string.Join(",", rule.ClassesWithoutReference)} (their cutoff uses the whole reference's 0.75-quantile)");
        }
    }

    /// <summary>The classes of the logits output [N,K], or null when there is none.</summary>
    private static long? ClassCount(GraphProto graph) =>
        graph.Output.FirstOrDefault(o => o.Name == CompiledNames.Logits) is { } logits && ValueInfos.DeclaredShape(logits) is { Rank: 2 } shape && shape[1] > 0
            ? shape[1]
            : null;

    /// <summary>The reference's L1 and predicted classes, in batches, readable samples only.</summary>
    private static (List<double> L1, List<long>? Predicted, long Unreadable) Distil(OnnxModel compiled, DatasetSource reference, long[] image, bool withClasses, ExecutionOptions execution, int batchSize, Action<long, long>? progress)
    {
        var created = SessionFactory.Create(compiled.ToBytes(), execution, compiled.Description);
        using var session = created.Session;
        var size = (int)(image[0] * image[1] * image[2]);
        var l1 = new List<double>();
        var predicted = withClasses ? new List<long>() : null;
        var unreadable = 0L;
        var done = 0L;
        foreach (var batch in reference.Read(0, reference.Count).Chunk(batchSize))
        {
            var readable = batch.Where(s => s.Pixels is not null).ToArray();
            unreadable += batch.Length - readable.Length;
            done += batch.Length;
            if (readable.Length > 0)
            {
                var pixels = new float[readable.Length * size];
                for (var i = 0; i < readable.Length; i++)
                {
                    readable[i].Pixels!.CopyTo(pixels, i * size);
                }

                Run(session, pixels, [readable.Length, .. image], readable.Select(s => s.Index).ToArray(), l1, predicted);
            }

            progress?.Invoke(done, reference.Count);
        }

        return (l1, predicted, unreadable);
    }

    private static void Run(InferenceSession session, float[] pixels, long[] dims, long[] seeds, List<double> l1, List<long>? predicted)
    {
        using var images = OrtValue.CreateTensorValueFromMemory(pixels, dims);
        using var seed = OrtValue.CreateTensorValueFromMemory(seeds, [seeds.Length]);
        string[] outputs = predicted is null ? [CompiledNames.L1] : [CompiledNames.L1, CompiledNames.Logits];
        using var results = session.Run(new RunOptions(), [CompiledNames.Images, CompiledNames.Seed], [images, seed], outputs);
        l1.AddRange(results[0].GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v));
        if (predicted is not null)
        {
            var classes = new long[seeds.Length];
            PredictedClasses.ArgMax(results[1].GetTensorDataAsSpan<float>(), (int)results[1].GetTensorTypeAndShape().Shape[1], classes, 0, seeds.Length);
            predicted.AddRange(classes);
        }
    }

    /// <summary>The smallest float32 at or above <paramref name="value"/>.</summary>
    private static float RoundUp(double value)
    {
        var f = (float)value;
        return f < value ? MathF.BitIncrement(f) : f;
    }
}
