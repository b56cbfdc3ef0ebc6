using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;

namespace OnnxCd.Tests.Data;

public sealed class ImageArraysTests
{
    [Fact]
    public void UInt8Nhwc_BecomesScaledNchw()
    {
        // One 1×2 image with 3 channels: pixel 0 = (0, 51, 255), pixel 1 = (102, 153, 204).
        var array = NpyArray.Of([0, 51, 255, 102, 153, 204], 1, 1, 2, 3);

        var (values, shape) = ImageArrays.ToNchw(array, "x.npy");

        Assert.Equal(new long[] { 1, 3, 1, 2 }, shape);
        Assert.Equal(new[] { 0f, 0.4f, 0.2f, 0.6f, 1f, 0.8f }, values, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void UInt8Grey_GetsOneChannel()
    {
        var (_, shape) = ImageArrays.ToNchw(NpyArray.Of(new byte[8], 2, 2, 2), "x.npy");
        Assert.Equal(new long[] { 2, 1, 2, 2 }, shape);
    }

    [Fact]
    public void Float32_MustBeNchw()
    {
        var error = Assert.Throws<DataException>(() => ImageArrays.ToNchw(NpyArray.Of(new float[6], 2, 3), "x.npy"));
        Assert.Contains("[N,C,H,W]", error.Message, StringComparison.Ordinal);
    }
}
