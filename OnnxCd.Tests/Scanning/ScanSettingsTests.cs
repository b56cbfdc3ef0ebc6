using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Scanning;

namespace OnnxCd.Tests.Scanning;

public sealed class ScanSettingsTests
{
    [Theory]
    [InlineData(CdMode.Probs, null, true)]
    [InlineData(CdMode.Logits, null, false)]
    [InlineData(CdMode.Features, null, false)]
    [InlineData(CdMode.Probs, false, false)]
    [InlineData(CdMode.Logits, true, true)]
    public void LiftsTargetFor_IsOnInProbabilityMode_UnlessSet(CdMode mode, bool? set, bool expected) =>
        Assert.Equal(expected, new ScanSettings { Data = "x.npy", LiftTarget = set }.LiftsTargetFor(mode));

    [Theory]
    [InlineData(CdMode.Probs, null, true)]
    [InlineData(CdMode.Logits, null, false)]
    [InlineData(CdMode.Features, null, false)]
    [InlineData(CdMode.Probs, false, false)]
    [InlineData(CdMode.Logits, true, true)]
    public void SplitsFeaturesFor_IsOnInProbabilityMode_UnlessSet(CdMode mode, bool? set, bool expected) =>
        Assert.Equal(expected, new ScanSettings { Data = "x.npy", FeatureSplit = set }.SplitsFeaturesFor(mode));
}
