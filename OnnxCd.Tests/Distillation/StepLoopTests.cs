using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Distillation;

/// <summary>
/// The step loop's schedule: the initial state, the two sets the steps ping-pong between, and the
/// last step that writes θ and the loss to the host. On CUDA the sets live in the GPU's memory and
/// every host input is bound again before it changes; that path runs here on the CPU by giving the
/// CPU's memory as the device's, and must give the very same answer as the CPU path.
/// </summary>
public sealed class StepLoopTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void DeviceStatePath_GivesTheCpuPathsAnswer_BatchAfterBatch(int steps)
    {
        const int batch = 3;
        var (images, shape) = ShippedSamples.Many(2 * batch);
        var options = new CdOptions { Steps = steps };
        var graphs = CdGraphsFor.Model(ShippedSamples.Model(), options, shape, ProviderTarget.Cpu);
        using var session = SessionFactory.Create(graphs.Step.ToBytes(), new ExecutionOptions(), "step").Session;
        long[] imageDims = [batch, .. shape.Skip(1)], targetDims = [batch, .. graphs.TargetShape.Dims.Skip(1)];
        using var host = new StepLoop(session, graphs.Names, batch, imageDims, targetDims, deviceMemory: null);
        using var device = new StepLoop(session, graphs.Names, batch, imageDims, targetDims, OrtMemoryInfo.DefaultInstance);
        var noise = NoiseSource.Seeded(0);
        var random = new Random(steps);

        for (var start = 0; start < 2 * batch; start += batch)
        {
            var perImage = host.Images.Length / batch;
            long[] samples = [start, start + 1, start + 2];
            var targets = Enumerable.Range(0, host.Targets.Length).Select(_ => (float)random.NextDouble()).ToArray();
            foreach (var loop in new[] { host, device })
            {
                Array.Copy(images, start * perImage, loop.Images, 0, batch * perImage);
                targets.CopyTo(loop.Targets, 0);
            }

            var (hostTheta, hostLoss) = host.Run(options, noise, samples);
            var (hostThetaCopy, hostLossCopy) = (hostTheta.ToArray(), hostLoss.ToArray());
            var (deviceTheta, deviceLoss) = device.Run(options, noise, samples);

            Assert.Equal(hostThetaCopy, deviceTheta);
            Assert.Equal(hostLossCopy, deviceLoss);
            Assert.Contains(hostThetaCopy, t => t != options.InitialTheta);
            Assert.All(hostLossCopy, l => Assert.True(l > 0, $"loss {l}: the last step's loss did not reach the host"));
        }
    }

    [Fact]
    public void MoreSteps_MoveTheMaskFurther_SoTheLastStepsStateIsTheOneReturned()
    {
        const int batch = 2;
        var (images, shape) = ShippedSamples.Many(batch);
        float Distance(int steps)
        {
            var options = new CdOptions { Steps = steps };
            var graphs = CdGraphsFor.Model(ShippedSamples.Model(), options, shape, ProviderTarget.Cpu);
            using var session = SessionFactory.Create(graphs.Step.ToBytes(), new ExecutionOptions(), "step").Session;
            using var loop = new StepLoop(session, graphs.Names, batch, shape, [batch, .. graphs.TargetShape.Dims.Skip(1)], OrtMemoryInfo.DefaultInstance);
            images.CopyTo(loop.Images, 0);
            var (theta, _) = loop.Run(options, NoiseSource.Seeded(0), [0, 1]);
            return theta.Sum(t => Math.Abs(t - options.InitialTheta));
        }

        // Adam's first steps move θ by about lr each, in one direction while the gradient's sign holds.
        var (one, two, three) = (Distance(1), Distance(2), Distance(3));
        Assert.True(one > 0 && two > one && three > two, $"|θ - θ₀| after 1, 2, 3 steps: {one}, {two}, {three}");
    }
}
