using OnnxCd.Runtime;
using OnnxCd.Runtime.Detectors;

namespace OnnxCd.Tests.Detectors;

public sealed class DetectorNamesTests
{
    [Fact]
    public void AList_IsParsedInOrder_WithoutRepeats_InAnyCase()
    {
        Assert.Equal([DetectorKind.Cd, DetectorKind.Strip, DetectorKind.SpectralSignatures, DetectorKind.Combined], DetectorNames.ParseList("cd, STRIP,ss,strip,combined"));
    }

    [Theory]
    [InlineData("cd,spectral", "'spectral' is not a detector; use cd, ss, ac, strip, scaleup, combined")]
    [InlineData("ss,ac", "leaves out cd")]
    [InlineData("cd,combined", "needs at least two besides itself")]
    public void ABadList_SaysWhatWouldBeValid(string list, string expected)
    {
        var error = Assert.Throws<SettingException>(() => DetectorNames.ParseList(list));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryKind_HasAName_ThatParsesBack()
    {
        Assert.All(Enum.GetValues<DetectorKind>(), k => Assert.Equal(k, DetectorNames.Parse(DetectorNames.Of(k))));
    }
}
