namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// Draws test inputs from a domain chosen so that finite differences stay honest: away from kinks
/// and jumps by more than the finite-difference step can move an input.
/// </summary>
internal abstract record Sampler
{
    public static Sampler Uniform(double low, double high) => new UniformSampler(low, high, []);

    /// <summary>Uniform in [low, high], at least <paramref name="margin"/> away from each point in <paramref name="avoid"/>.</summary>
    public static Sampler AwayFrom(double[] avoid, double margin, double low = -3, double high = 3) => new UniformSampler(low, high, avoid.Select(p => (p, margin)).ToArray());

    /// <summary>Values at least <paramref name="gap"/> apart from each other (no ties, e.g. inside a max-pool window), none zero, shuffled.</summary>
    public static Sampler Distinct(double gap) => new DistinctSampler(gap);

    /// <summary>Uniform in [low, high], except exactly 0 at <paramref name="zeros"/> (flat indices): for products, which are linear in each input, so finite differences stay exact there.</summary>
    public static Sampler ZerosAt(int[] zeros, double low = 0.5, double high = 1.5) => new ZeroSampler(zeros, low, high);

    public abstract double[] Draw(Random random, int count);

    private sealed record ZeroSampler(int[] Zeros, double Low, double High) : Sampler
    {
        public override double[] Draw(Random random, int count)
        {
            var values = Enumerable.Range(0, count).Select(_ => Low + ((High - Low) * random.NextDouble())).ToArray();
            foreach (var i in Zeros)
            {
                values[i] = 0;
            }

            return values;
        }
    }

    private sealed record UniformSampler(double Low, double High, (double Point, double Margin)[] Avoid) : Sampler
    {
        public override double[] Draw(Random random, int count)
        {
            var values = new double[count];
            for (var i = 0; i < count; i++)
            {
                do
                {
                    values[i] = Low + ((High - Low) * random.NextDouble());
                }
                while (Avoid.Any(a => Math.Abs(values[i] - a.Point) < a.Margin));
            }

            return values;
        }
    }

    private sealed record DistinctSampler(double Gap) : Sampler
    {
        public override double[] Draw(Random random, int count)
        {
            var values = Enumerable.Range(0, count).Select(i => (i - (count / 2.0) + 0.5) * Gap).ToArray();
            random.Shuffle(values);
            return values;
        }
    }
}
