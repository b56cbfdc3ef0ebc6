using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;

namespace OnnxCd.Tests.Distillation;

public sealed class NoiseSourceTests
{
    [Fact]
    public void SeededColours_DependOnTheSampleIndex_NotOnTheBatch()
    {
        var noise = NoiseSource.Seeded(7);
        var all = new float[10 * 3];
        noise.Fill(all, step: 4, firstSample: 0, count: 10, channels: 3);
        var part = new float[4 * 3];
        noise.Fill(part, step: 4, firstSample: 6, count: 4, channels: 3);

        Assert.Equal(all[18..], part);
        Assert.All(all, v => Assert.InRange(v, 0f, 0.99999995f));
        Assert.True(all.Distinct().Count() == all.Length, "colours repeat");
    }

    [Fact]
    public void SeedsAndSteps_GiveDifferentColours()
    {
        float[] Draw(ulong seed, int step)
        {
            var values = new float[8];
            NoiseSource.Seeded(seed).Fill(values, step, 0, 8, 1);
            return values;
        }

        Assert.NotEqual(Draw(0, 0), Draw(1, 0));
        Assert.NotEqual(Draw(0, 0), Draw(0, 1));
        Assert.Equal(Draw(3, 2), Draw(3, 2));
    }

    [Fact]
    public void SeededColours_AreUniform()
    {
        var values = new float[100_000];
        NoiseSource.Seeded(0).Fill(values, 0, 0, values.Length, 1);
        Assert.InRange(values.Average(), 0.495, 0.505);
        Assert.InRange(values.Count(v => v < 0.1f) / (double)values.Length, 0.095, 0.105);
    }

    [Fact]
    public void ArrayNoise_IsReplayedByGlobalSampleIndex_AndChecked()
    {
        var values = Enumerable.Range(0, 2 * 5 * 3).Select(i => i / 30f).ToArray();
        var noise = NoiseSource.FromArray(NpyArray.Of(values, 2, 5, 3), "n.npy");
        var part = new float[2 * 3];
        noise.Fill(part, step: 1, firstSample: 3, count: 2, channels: 3);
        Assert.Equal(values[24..30], part);

        var tooShort = Assert.Throws<DataException>(() => noise.Check(steps: 3, samples: 5, channels: 3));
        Assert.Contains("[2,5,3]", tooShort.Message, StringComparison.Ordinal);
        Assert.Contains("[3,5,3]", tooShort.Message, StringComparison.Ordinal);
        var outside = Assert.Throws<DataException>(() => NoiseSource.FromArray(NpyArray.Of([0.5f, 1.5f], 1, 1, 2), "n.npy"));
        Assert.Contains("1.5", outside.Message, StringComparison.Ordinal);
    }
}
