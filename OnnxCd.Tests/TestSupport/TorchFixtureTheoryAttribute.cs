namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// A theory over PyTorch-generated fixtures, skipped (with the reason and the command that makes
/// them) when the fixtures are absent, never passed silently.
/// </summary>
internal sealed class TorchFixtureTheoryAttribute : TheoryAttribute
{
    public TorchFixtureTheoryAttribute()
    {
        if (!Directory.Exists(RepositoryPaths.TorchvisionFixtures))
        {
            Skip = $"PyTorch fixtures are not generated ({RepositoryPaths.TorchvisionFixtures} is missing): run " +
                "'/usr/bin/python3 tools/make_torchvision_fixtures.py' (needs Debian's python3-torch, python3-torchvision, python3-onnx), as .ci/run does.";
        }
    }
}
