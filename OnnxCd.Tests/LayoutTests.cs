using System.Text.RegularExpressions;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests;

/// <summary>The runtime's folders use one another in one direction only, read from their <c>using</c> lines.</summary>
public sealed partial class LayoutTests
{
    /// <summary>Which folders each folder may use; a folder missing here fails the test until it is placed.</summary>
    private static readonly Dictionary<string, string[]> s_allowed = new(StringComparer.Ordinal)
    {
        ["Graph"] = [],
        ["Data"] = [],
        ["Autodiff"] = ["Graph"],
        ["Execution"] = ["Graph", "Autodiff"],
        ["Distillation"] = ["Graph", "Autodiff", "Execution", "Data"],
        ["Compilation"] = ["Graph", "Autodiff", "Execution", "Distillation", "Data", "Detection"],
        ["Features"] = ["Graph", "Execution", "Distillation", "Data"],
        ["Detection"] = ["Data"],
        ["Detectors"] = ["Graph", "Execution", "Distillation", "Detection"],
        ["Reporting"] = ["Data", "Detection", "Detectors"],
        ["Scanning"] = ["Graph", "Execution", "Distillation", "Features", "Data", "Detection", "Detectors", "Reporting"],
        ["Benchmarking"] = ["Graph", "Execution", "Distillation", "Detection"],
        ["Inspection"] = ["Graph", "Autodiff", "Execution"],
    };

    [Fact]
    public void EachFolder_UsesOnlyTheFoldersBelowIt()
    {
        var runtime = Path.Combine(RepositoryPaths.Root, "OnnxCd.Runtime");
        var folders = Directory.GetDirectories(runtime).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToList();
        var wrong = new List<string>();
        var seen = 0;
        foreach (var folder in folders)
        {
            Assert.True(s_allowed.ContainsKey(folder!), $"Folder {folder} has no place in the layout (LayoutTests.s_allowed, README's Layout).");
            foreach (var file in Directory.GetFiles(Path.Combine(runtime, folder!), "*.cs", SearchOption.AllDirectories))
            {
                foreach (Match m in UsingLine().Matches(File.ReadAllText(file)))
                {
                    var used = m.Groups[1].Value;
                    seen++;
                    if (used != folder && !s_allowed[folder!].Contains(used))
                    {
                        wrong.Add($"{Path.GetRelativePath(runtime, file)} uses {used}");
                    }
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(seen > 50, $"only {seen} using lines read");
    }

    /// <summary>Graphs are built and checked without running anything: only Execution and the folders above it open ONNX Runtime.</summary>
    [Theory]
    [InlineData("Graph")]
    [InlineData("Autodiff")]
    [InlineData("Data")]
    [InlineData("Detection")]
    [InlineData("Reporting")]
    public void BuildingFolders_DoNotUseOnnxRuntime(string folder)
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "OnnxCd.Runtime", folder), "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.DoesNotContain(files, f => File.ReadAllText(f).Contains("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAllowedUses_HaveNoCycle()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        bool Cyclic(string folder)
        {
            if (state.GetValueOrDefault(folder) == 1)
            {
                return true;
            }

            if (state.GetValueOrDefault(folder) == 2)
            {
                return false;
            }

            state[folder] = 1;
            var cyclic = s_allowed[folder].Any(Cyclic);
            state[folder] = 2;
            return cyclic;
        }

        Assert.DoesNotContain(s_allowed.Keys, Cyclic);
    }

    [GeneratedRegex(@"^using OnnxCd\.Runtime\.([A-Za-z]+)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
