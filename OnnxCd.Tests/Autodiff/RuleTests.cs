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
}
