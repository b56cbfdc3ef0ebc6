using OnnxCd.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Autodiff;

/// <summary>
/// ONNX's own operator tests as a conformance suite (tools/onnx_node_cases.py writes them from the
/// installed onnx package): every case is lifted, run and differentiated as OnnxCd does any file.
/// </summary>
public sealed class OnnxConformanceTests(ITestOutputHelper output)
{
    [OnnxNodeCasesFact]
    public void EveryCase_AgreesOrIsRefusedWithItsReason()
    {
        var results = Directory.GetDirectories(RepositoryPaths.Generated("onnx-node")).Order(StringComparer.Ordinal).Select(f => ConformanceCase.Check(f)).ToList();
        foreach (var r in results.Where(r => r.Outcome != ConformanceOutcome.Agreed))
        {
            output.WriteLine($"{r.Outcome,-8} {r.Name} ({r.OpType}, opset {r.Opset}): {r.Reason}");
        }

        output.WriteLine(string.Join(", ", results.GroupBy(r => r.Outcome).Select(g => $"{g.Key} {g.Count()}")));
        Assert.DoesNotContain(results, r => r.Outcome == ConformanceOutcome.Failed);
    }
}
