namespace OnnxCd.Tests.TestSupport;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Where tools/make_torchvision_fixtures.py writes its fixtures (not committed).</summary>
    public static string TorchvisionFixtures => Path.Combine(Root, "OnnxCd.Tests", "TestData", "generated", "torchvision");

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
