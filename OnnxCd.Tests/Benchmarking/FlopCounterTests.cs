using OnnxCd.Runtime.Benchmarking;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Benchmarking;

public sealed class FlopCounterTests
{
    /// <summary>The shipped SmallCnn per image: 3×3 convs 1→16 at 28², 16→32 at 14², 32→32 at 7², then a 32→10 Gemm; 2 FLOPs a multiply-add.</summary>
    private const double ForwardPerImage = (2.0 * 16 * 784 * 9) + (2.0 * 32 * 196 * 144) + (2.0 * 32 * 49 * 288) + (2.0 * 10 * 32);

    [Fact]
    public void ForwardPass_CountsEveryConvAndGemm()
    {
        var model = ShippedSamples.Model();
        var shapes = ModelProbe.Run(model, new Dictionary<string, long[]> { ["input"] = [3, 1, 28, 28] });

        Assert.Equal(3 * ForwardPerImage, FlopCounter.Count(model, shapes, 3));
    }

    [Fact]
    public void CdStep_CostsTwiceTheForwardPass_ItsBackwardIsOneConvTransposePerConv()
    {
        var graphs = CdGraphsFor.Model(ShippedSamples.Model(), new CdOptions(), [1, 1, 28, 28]);
        var shapes = ModelProbe.Run(graphs.Step, graphs.StepInputDims([5, 1, 28, 28]));

        Assert.Equal(5 * 2 * ForwardPerImage, FlopCounter.Count(graphs.Step, shapes, 5));
    }
}
