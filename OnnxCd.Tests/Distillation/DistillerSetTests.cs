using System.Collections.Concurrent;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Execution;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Distillation;

public sealed class DistillerSetTests
{
    [Fact]
    public void TwoSessions_ShareTheItems_EachDoneOnce_WithTheMasksOfOneSession()
    {
        var (images, shape) = ShippedSamples.Many(4);
        using var one = Set(1, shape);
        using var two = Set(2, shape);
        var expected = one.First.Distill(images, shape).Masks;
        var done = new ConcurrentDictionary<int, CognitiveDistiller>();
        var masks = new ConcurrentDictionary<int, float[]>();

        two.Run(Enumerable.Range(0, 6), (distiller, item) =>
        {
            Assert.True(done.TryAdd(item, distiller), $"item {item} ran twice");
            masks[item] = distiller.Distill(images, shape).Masks;
        });

        Assert.Equal(2, two.Count);
        Assert.Equal(Enumerable.Range(0, 6), done.Keys.Order());
        Assert.Equal(2, done.Values.Distinct().Count());
        Assert.All(masks.Values, m => Assert.Equal(expected, m));
        Assert.Equal("CPUExecutionProvider ×2", two.Provider);
    }

    [Fact]
    public void AFailingItem_StopsNewItems_AndIsRethrownAsItWas()
    {
        var (_, shape) = ShippedSamples.Many(1);
        using var set = Set(2, shape);
        var started = new ConcurrentBag<int>();

        var error = Assert.Throws<DataException>(() => set.Run(Enumerable.Range(0, 1000), (_, item) =>
        {
            started.Add(item);
            if (item == 3)
            {
                throw new DataException("sample 3 is broken");
            }

            Thread.Sleep(5);
        }));

        Assert.Equal("sample 3 is broken", error.Message);
        // How many items the other session starts before the failing one stops the set depends on
        // scheduling (a few on a quiet machine, more on a busy one); that the run stops is what counts.
        Assert.InRange(started.Count, 4, 999);
    }

    [Fact]
    public void AFailureWhileReading_LetsTheQueuedItemsFinish_ThenPropagates()
    {
        var (_, shape) = ShippedSamples.Many(1);
        using var set = Set(2, shape);
        var finished = new ConcurrentBag<int>();
        IEnumerable<int> Items()
        {
            for (var i = 0; i < 4; i++)
            {
                yield return i;
            }

            throw new DataException("the data file ends early");
        }

        var error = Assert.Throws<DataException>(() => set.Run(Items(), (_, item) =>
        {
            Thread.Sleep(20);
            finished.Add(item);
        }));

        Assert.Equal("the data file ends early", error.Message);
        Assert.Equal([0, 1, 2, 3], finished.Order());
    }

    private static DistillerSet Set(int sessions, long[] shape) => new(Enumerable.Range(0, sessions).Select(_ => (Func<CognitiveDistiller>)(() =>
        CognitiveDistiller.Create(ShippedSamples.Model(), new CdOptions { Steps = 5 }, shape, new ExecutionOptions { IntraOpThreads = 1 }, batchSize: (int)shape[0]))));
}
