using OnnxCd.Runtime.Graph;

namespace OnnxCd.Tests.Graph;

public sealed class TensorShapeTests
{
    [Theory]
    [InlineData(new long[] { 3, 4 }, new long[] { 1, 4 }, new long[] { 3, 4 })]
    [InlineData(new long[] { 2, 3, 4 }, new long[] { 4 }, new long[] { 2, 3, 4 })]
    [InlineData(new long[] { -1, 3, 1 }, new long[] { 1, 3, 5 }, new long[] { -1, 3, 5 })]
    [InlineData(new long[] { }, new long[] { 2, 2 }, new long[] { 2, 2 })]
    public void Broadcast_FollowsNumpyRules(long[] a, long[] b, long[] expected) =>
        Assert.Equal(expected, TensorShape.Broadcast(new TensorShape(a), new TensorShape(b)).ToArray());

    [Fact]
    public void Format_WritesDynamicDimensionsAsQuestionMarks() =>
        Assert.Equal("[?,3,32,32]", new TensorShape([TensorShape.Dynamic, 3, 32, 32]).ToString());

    [Fact]
    public void Axis_NormalisesNegativeAxesAndNamesTheShapeWhenOutOfRange()
    {
        var shape = new TensorShape([2, 3, 4]);
        Assert.Equal(2, shape.Axis(-1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => shape.Axis(3));
        Assert.Contains("[2,3,4]", error.Message, StringComparison.Ordinal);
    }
}
