using OnnxCd.Runtime.Autodiff;

namespace OnnxCd.Tests.Autodiff;

/// <summary>Every gradient rule, checked against central finite differences on the CPU provider with three seeds.</summary>
public sealed class RuleTests
{
    public static TheoryData<string> CaseNames => new(GradCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Rule_MatchesFiniteDifferences(string caseName)
    {
        var gradCase = GradCases.ByName(caseName);
        foreach (var seed in new[] { 1, 2, 3 })
        {
            GradCheck.Verify(gradCase, seed);
        }
    }

    /// <summary>
    /// The cases whose backward differs for a provider: the CPU's (CPU-only kernels such as MaxUnpool)
    /// and CUDA's (MaxPool's Indices from a copy with reversed spatial axes). Both are checked on the
    /// CPU; for CUDA's that checks the mapping of the indices back (the cases have no ties).
    /// </summary>
    public static TheoryData<string, ProviderTarget> TargetSpecificCases
    {
        get
        {
            var cases = new TheoryData<string, ProviderTarget>();
            foreach (var target in new[] { ProviderTarget.Cpu, ProviderTarget.Cuda })
            {
                foreach (var c in GradCases.All.Where(c => BackwardOps(c, target) != BackwardOps(c, ProviderTarget.Any)))
                {
                    cases.Add(c.Name, target);
                }
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(TargetSpecificCases))]
    public void TargetSpecificRule_MatchesFiniteDifferences(string caseName, ProviderTarget target)
    {
        var gradCase = GradCases.ByName(caseName);
        foreach (var seed in new[] { 1, 2, 3 })
        {
            GradCheck.Verify(gradCase, seed, target);
        }
    }

    [Fact]
    public void CudaTarget_ReversesThePoolingOf_EveryMultiAxisMaxPool()
    {
        var reversed = GradCases.All.Where(c => BackwardOps(c, ProviderTarget.Cuda).Contains("Transpose", StringComparison.Ordinal) && !BackwardOps(c, ProviderTarget.Any).Contains("Transpose", StringComparison.Ordinal)).Select(c => c.Name).ToList();

        Assert.Contains(reversed, n => n.Contains("overlapping", StringComparison.Ordinal));
        Assert.Contains(reversed, n => n.Contains("3-D", StringComparison.Ordinal));
        Assert.Contains(reversed, n => n.Contains("dilated", StringComparison.Ordinal));
        Assert.Contains(reversed, n => n.Contains("dynamic batch", StringComparison.Ordinal));
        Assert.DoesNotContain(reversed, n => n.Contains("1-D", StringComparison.Ordinal));
    }

    [Fact]
    public void CpuTarget_TakesMaxUnpool_ExactlyForNonOverlappingFloatWindows()
    {
        var unpooled = GradCases.All.Where(c => BackwardOps(c, ProviderTarget.Cpu).Contains("MaxUnpool", StringComparison.Ordinal)).Select(c => c.Name).ToList();

        Assert.Contains(unpooled, n => n.StartsWith("MaxPool-17 N[2,3,6,6] kernel_shape=[2,2] strides=[2,2]", StringComparison.Ordinal));
        Assert.Contains(unpooled, n => n.Contains("partial windows", StringComparison.Ordinal));
        Assert.Contains(unpooled, n => n.Contains("3-D", StringComparison.Ordinal));
        Assert.DoesNotContain(unpooled, n => n.Contains("overlapping", StringComparison.Ordinal) || n.Contains("float64", StringComparison.Ordinal));
    }

    [Fact]
    public void CaseNames_AreUnique()
    {
        var duplicates = GradCases.All.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "Duplicate case names: " + string.Join("; ", duplicates));
    }

    [Fact]
    public void EveryRegisteredOpHasAGradCase()
    {
        var covered = GradCases.All.SelectMany(c => c.Build().Build().Proto.Graph.Node.Select(n => n.OpType)).ToHashSet();
        var missing = GradientRules.SupportedOpTypes.Where(op => !covered.Contains(op)).Order().ToList();
        Assert.True(missing.Count == 0, "Registered op types without a gradient check: " + string.Join(", ", missing));
    }

    private static string BackwardOps(GradCase gradCase, ProviderTarget target)
    {
        var graph = gradCase.Build();
        var (gradient, _, _, _) = GradCheck.Gradient(graph.Build(), graph.InputDims, target);
        return string.Join(",", gradient.Model.Proto.Graph.Node.Select(n => n.OpType));
    }
}
