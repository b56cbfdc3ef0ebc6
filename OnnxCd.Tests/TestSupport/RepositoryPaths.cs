namespace OnnxCd.Tests.TestSupport;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Where the tools write generated fixtures (not committed): "torchvision" (tools/make_torchvision_fixtures.py) or "cd" (tools/reference_cd.py).</summary>
    public static string Generated(string fixtures) => Path.Combine(Root, "OnnxCd.Tests", "TestData", "generated", fixtures);

    public static string OnnxModels => Path.Combine(Root, "onnx-models");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OnnxCd.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"OnnxCd.sln not found above {AppContext.BaseDirectory}.");
    }
}
