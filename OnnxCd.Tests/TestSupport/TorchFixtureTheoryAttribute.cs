namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// A theory over PyTorch-generated fixtures, skipped (with the reason and the command that makes
/// them) when the fixtures are absent, never passed silently.
/// </summary>
internal sealed class TorchFixtureTheoryAttribute : TheoryAttribute
{
    /// <param name="fixtures">The folder under TestData/generated: "torchvision", "cd", "reference-scans" or "reference-detectors".</param>
    public TorchFixtureTheoryAttribute(string fixtures)
    {
        if (!Directory.Exists(RepositoryPaths.Generated(fixtures)))
        {
            var tool = fixtures switch
            {
                "cd" => "tools/reference_cd.py",
                "reference-scans" => "tools/reference_cd.py --scansets",
                "reference-detectors" => "tools/reference_detectors.py",
                _ => "tools/make_torchvision_fixtures.py",
            };
            Skip = $"PyTorch fixtures are not generated ({RepositoryPaths.Generated(fixtures)} is missing): run " +
                $"'/usr/bin/python3 {tool}' (needs Debian's python3-torch, python3-torchvision, python3-onnx and dataset-fashion-mnist), as .ci/run does.";
        }
    }
}
