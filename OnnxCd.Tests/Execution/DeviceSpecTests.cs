using OnnxCd.Runtime;
using OnnxCd.Runtime.Execution;

namespace OnnxCd.Tests.Execution;

public sealed class DeviceSpecTests
{
    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("auto", "auto")]
    [InlineData("cuda:1", "cuda:1")]
    [InlineData("cuda:0,1", "cuda:0 cuda:1")]
    [InlineData("cuda:2, cuda:0 ,3", "cuda:2 cuda:0 cuda:3")]
    public void ParseList_GivesOneSpecPerGpu(string text, string expected)
    {
        Assert.Equal(expected, string.Join(' ', DeviceSpec.ParseList(text)));
    }

    [Theory]
    [InlineData("cuda:0,cpu", "names more than CUDA devices")]
    [InlineData("cuda:1,1", "names cuda:1 twice")]
    [InlineData("cuda:0,", "Unknown device ''")]
    [InlineData("cuda:0,x", "Unknown device 'x'")]
    public void ParseList_RefusesWhatIsNotAListOfGpus(string text, string expected)
    {
        var error = Assert.Throws<SettingException>(() => DeviceSpec.ParseList(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
