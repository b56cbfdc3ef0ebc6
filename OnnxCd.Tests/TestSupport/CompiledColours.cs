using OnnxCd.Runtime.Compilation;
using OnnxCd.Runtime.Data;

namespace OnnxCd.Tests.TestSupport;

/// <summary>The noise colours of a compiled model's seed input, written out independently of <see cref="SeededNoiseGraph"/>.</summary>
internal static class CompiledColours
{
    /// <summary>The colour of <paramref name="seed"/> at <paramref name="step"/> and <paramref name="channel"/>.</summary>
    public static float Colour(long seed, long step, long channel)
    {
        const long p = SeededNoiseGraph.Modulus;
        var h = ((seed % p) + p) % p;
        foreach (var v in new[] { step, channel, 0, 0 })
        {
            h = (h + v + 1) * SeededNoiseGraph.Multiplier % p;
            h = ((h * h) + SeededNoiseGraph.Increment) % p;
        }

        return (h / 128) * (1f / (1 << 24));
    }

    /// <summary>The colours [steps, samples, channels] that seeds 0 … samples − 1 draw: a noise file for <c>--noise</c> that replays what the compiled model draws when each image's seed is its index.</summary>
    public static NpyArray ForIndices(int steps, int samples, int channels)
    {
        var values = new float[steps * samples * channels];
        for (var t = 0; t < steps; t++)
        {
            for (var i = 0; i < samples; i++)
            {
                for (var c = 0; c < channels; c++)
                {
                    values[(((t * samples) + i) * channels) + c] = Colour(i, t, c);
                }
            }
        }

        return NpyArray.Of(values, steps, samples, channels);
    }
}
