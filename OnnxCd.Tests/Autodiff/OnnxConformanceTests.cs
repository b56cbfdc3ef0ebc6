using System.Text;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Autodiff;

/// <summary>
/// ONNX's own operator tests as a conformance suite (tools/onnx_node_cases.py writes them from the
/// installed onnx package): every case is lifted, run and differentiated as OnnxCd does any file.
/// </summary>
public sealed class OnnxConformanceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Why a case may be refused, each with the reason it stands. A refusal that matches none fails the
    /// test, and so does an entry no case needs any more (a rule was added: the table must say so).
    /// </summary>
    private static readonly (string Reason, string Why)[] s_expectedRefusals =
    [
        ("opset_import is missing", "the optimiser ops (Adagrad, Adam, Momentum) live in the preview training domain alone"),
        ("BatchNormalization is in training mode", "batch statistics tie each sample to its batch: OnnxCd scores eval-mode models"),
        ("Dropout has training_mode = true", "random masks: OnnxCd scores eval-mode models"),
        ("OneHot: no gradient rule", "encodes labels: not in a classifier's inference graph"),
        ("RNN: no gradient rule", "recurrent layers: not in the image classifiers CD scans"),
        ("LSTM: no gradient rule", "recurrent layers: not in the image classifiers CD scans"),
        ("GRU: no gradient rule", "recurrent layers: not in the image classifiers CD scans"),
        ("Scan: no gradient rule", "control flow: not in the image classifiers CD scans"),
        ("Scan at opset 8", "Scan-8's batch axis has no later form to lift it to"),
        ("DFT: no gradient rule", "signal processing: not in image classifiers"),
        ("STFT: no gradient rule", "signal processing: not in image classifiers"),
        ("GridSample: no gradient rule", "spatial transformers: rare in classifiers; a later rule"),
        ("RoiAlign: no gradient rule", "detection heads, not classifiers"),
        ("Compress: no gradient rule", "data-dependent output size"),
        ("ReverseSequence: no gradient rule", "sequence models"),
        ("DynamicQuantizeLinear: no gradient rule", "quantisation: integer outputs"),
        ("MaxUnpool: no gradient rule", "decoder layers, not classifiers"),
        ("Det: no gradient rule", "not in classifiers"),
        ("MeanVarianceNormalization: no gradient rule", "rare in classifiers; a later rule"),
        ("Resize mode 'cubic'", "bicubic interpolation: its weights are not written out yet"),
        ("'tf_crop_and_resize'", "a TensorFlow-only mode that reads a region of interest"),
        ("with reduction 'add' has no gradient rule", "scatters that accumulate into the data input"),
        ("with reduction 'mul' has no gradient rule", "scatters that multiply into the data input"),
        ("has an ellipsis", "Einsum with '...': the rule needs the subscripts written out"),
    ];

    [OnnxNodeCasesFact]
    public void EveryCase_AgreesOrIsRefusedWithItsReason()
    {
        var results = Cases().Select(f => ConformanceCase.Check(f)).ToList();
        foreach (var r in results.Where(r => r.Outcome != ConformanceOutcome.Agreed))
        {
            output.WriteLine($"{r.Outcome,-8} {r.Name} ({r.OpType}, opset {r.Opset}): {r.Reason}");
        }

        output.WriteLine(string.Join(", ", results.GroupBy(r => r.Outcome).Select(g => $"{g.Key} {g.Count()}")));
        File.WriteAllText(RepositoryPaths.Generated("onnx-node-conformance.md"), Table(results));

        Assert.DoesNotContain(results, r => r.Outcome == ConformanceOutcome.Failed);
        var refused = results.Where(r => r.Outcome == ConformanceOutcome.Refused).ToList();
        var unexplained = refused.Where(r => !s_expectedRefusals.Any(e => r.Reason.Contains(e.Reason, StringComparison.Ordinal))).Select(r => $"{r.Name}: {r.Reason}").ToList();
        Assert.True(unexplained.Count == 0, "Refusals with no entry in the expected table:\n" + string.Join("\n", unexplained));
        var stale = s_expectedRefusals.Where(e => !refused.Any(r => r.Reason.Contains(e.Reason, StringComparison.Ordinal))).Select(e => e.Reason).ToList();
        Assert.True(stale.Count == 0, "Expected refusals no case has any more (update the table): " + string.Join(", ", stale));
    }

    /// <summary>
    /// The suite can fail: a rule made wrong on purpose (the first Sub of each backward pass turned
    /// into an Add, as dy·(1 − y²) → dy·(1 + y²) for Tanh) fails every case it touches.
    /// </summary>
    [OnnxNodeCasesFact]
    public void AWrongRule_FailsTheSuite()
    {
        string[] names = ["test_tanh", "test_sigmoid", "test_softmax_axis_1", "test_logsoftmax_axis_0", "test_layer_normalization_2d_axis0", "test_instancenorm_example"];
        var results = names.Select(n => ConformanceCase.Check(Path.Combine(RepositoryPaths.Generated("onnx-node"), n), SubBecomesAdd)).ToList();

        Assert.All(results, r => Assert.True(r.Outcome == ConformanceOutcome.Failed, $"{r.Name}: {r.Outcome} {r.Reason}"));
        Assert.Equal(ConformanceOutcome.Agreed, ConformanceCase.Check(Path.Combine(RepositoryPaths.Generated("onnx-node"), "test_tanh")).Outcome);
    }

    private static GradientModel SubBecomesAdd(GradientModel gradient)
    {
        var nodes = gradient.Model.Proto.Graph.Node;
        var backward = nodes.Skip(nodes.Count - gradient.BackwardNodeCount).FirstOrDefault(n => n.OpType == "Sub")
            ?? throw new InvalidOperationException($"{gradient.Model.Description} has no Sub in its backward pass to break.");
        backward.OpType = "Add";
        return gradient;
    }

    private static IEnumerable<string> Cases() => Directory.GetDirectories(RepositoryPaths.Generated("onnx-node")).Order(StringComparer.Ordinal);

    /// <summary>Counts per op type and outcome, with the reasons of the refusals, as markdown.</summary>
    private static string Table(IReadOnlyList<ConformanceResult> results)
    {
        var text = new StringBuilder("| op | agreed | refused | skipped | refused because |\n|---|---|---|---|---|\n");
        foreach (var op in results.GroupBy(r => r.OpType).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int Count(ConformanceOutcome o) => op.Count(r => r.Outcome == o);
            var reasons = op.Where(r => r.Outcome == ConformanceOutcome.Refused).Select(r => s_expectedRefusals.FirstOrDefault(e => r.Reason.Contains(e.Reason, StringComparison.Ordinal)).Reason ?? r.Reason).Distinct();
            text.Append($"| {op.Key} | {Count(ConformanceOutcome.Agreed)} | {Count(ConformanceOutcome.Refused)} | {Count(ConformanceOutcome.Skipped)} | {string.Join("; ", reasons)} |\n");
        }

        return text.ToString();
    }
}
