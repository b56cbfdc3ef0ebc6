using OnnxCd.Runtime.Data;

namespace OnnxCd.Runtime.Distillation;

/// <summary>
/// The baseline colours δ the mask blends towards: one value in [0,1) per image, channel and step
/// (cd-algorithm.md section 1.3). A sample's colours depend only on its index in the dataset, never
/// on batching, so results do not change with the batch size, sharding or resuming.
/// </summary>
public abstract class NoiseSource
{
    /// <summary>Writes the colours of step <paramref name="step"/> (from 0) for the samples with dataset indices <paramref name="samples"/> into <paramref name="destination"/>, laid out [samples, channels].</summary>
    public abstract void Fill(Span<float> destination, int step, ReadOnlySpan<long> samples, int channels);

    /// <summary>Writes the colours of step <paramref name="step"/> for <paramref name="count"/> consecutive samples from <paramref name="firstSample"/>.</summary>
    public void Fill(Span<float> destination, int step, long firstSample, int count, int channels)
    {
        var samples = new long[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = firstSample + i;
        }

        Fill(destination, step, samples, channels);
    }

    /// <summary>Colours from a counter-based generator: the same seed gives the same colours on every machine and provider.</summary>
    public static NoiseSource Seeded(ulong seed) => new SeededNoise(seed);

    /// <summary>Colours replayed from an array [steps, N, C] (for example written by another implementation).</summary>
    /// <exception cref="DataException">The array is not float32 [steps, N, C] with values in [0,1].</exception>
    public static NoiseSource FromArray(NpyArray array, string source)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Type != NpyType.Float32 || array.Shape.Length != 3)
        {
            throw new DataException($"Noise file '{source}' holds {array.Type} {Graph.TensorShape.Format(array.Shape)}; it must be float32 [steps, N, C].");
        }

        var bad = Array.FindIndex(array.Floats, v => !(v >= 0 && v <= 1));
        if (bad >= 0)
        {
            throw new DataException($"Noise file '{source}' has value {array.Floats[bad]} at flat index {bad}; noise colours must lie in [0,1].");
        }

        return new ArrayNoise(array, source);
    }

    /// <summary>Refuses a run this source cannot serve (too few steps or samples, another channel count).</summary>
    public virtual void Check(int steps, long samples, int channels)
    {
    }

    private sealed class SeededNoise(ulong seed) : NoiseSource
    {
        public override void Fill(Span<float> destination, int step, ReadOnlySpan<long> samples, int channels)
        {
            for (var i = 0; i < samples.Length; i++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var bits = Mix(Mix(Mix(seed ^ (ulong)samples[i]) ^ (ulong)step) ^ (ulong)c);
                    destination[(i * channels) + c] = (bits >> 40) * (1f / (1 << 24));
                }
            }
        }

        /// <summary>SplitMix64's finaliser: a bijective, well-mixing function of 64 bits.</summary>
        private static ulong Mix(ulong z)
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private sealed class ArrayNoise(NpyArray array, string source) : NoiseSource
    {
        public override void Check(int steps, long samples, int channels)
        {
            if (array.Shape[0] < steps || array.Shape[1] < samples || array.Shape[2] != channels)
            {
                throw new DataException($"Noise file '{source}' is [{array.Shape[0]},{array.Shape[1]},{array.Shape[2]}] but this run needs at least [{steps},{samples},{channels}] (steps, samples, channels).");
            }
        }

        public override void Fill(Span<float> destination, int step, ReadOnlySpan<long> samples, int channels)
        {
            for (var i = 0; i < samples.Length; i++)
            {
                var start = ((step * array.Shape[1]) + samples[i]) * channels;
                array.Floats.AsSpan((int)start, channels).CopyTo(destination[(i * channels)..]);
            }
        }
    }
}
