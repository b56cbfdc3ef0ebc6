using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Compilation;

/// <summary>
/// The compiled model's noise colours drawn from one seed per image, in integer ONNX ops only, so
/// every runtime and provider draws the same colours. With P = 2³¹ − 1:
/// h ← seed mod P; then for v = step, channel, 0, 0: h ← ((h + v + 1)·48271) mod P, h ← (h² + 11) mod P;
/// colour = ⌊h / 128⌋ · 2⁻²⁴, in [0,1). Every intermediate stays below 2⁶³.
/// </summary>
internal static class SeededNoiseGraph
{
    /// <summary>The modulus P = 2³¹ − 1 (a prime).</summary>
    public const long Modulus = 2147483647;

    /// <summary>The Park–Miller multiplier.</summary>
    public const long Multiplier = 48271;

    /// <summary>The constant added after squaring.</summary>
    public const long Increment = 11;

    /// <summary>Emits the colours [N,C,1,1] for <paramref name="seeds"/> (int64 [N]) at <paramref name="step"/> (int64 scalar, from 0).</summary>
    public static TensorRef Emit(GraphEmitter e, TensorRef seeds, TensorRef step, long channels)
    {
        var batch = seeds.Shape?[0] ?? TensorShape.Dynamic;
        var h = Mod(e, e.Unsqueeze(seeds, [1], new TensorShape([batch, 1])));
        h = Round(e, h, step);
        h = Round(e, h, e.Constant(Enumerable.Range(0, (int)channels).Select(c => (double)c).ToArray(), [1, channels], DataType.Int64));
        var zero = e.Constant([0], [], DataType.Int64);
        h = Round(e, Round(e, h, zero), zero);
        var colour = e.Mul(e.Cast(e.Div(h, e.Constant([128], [], DataType.Int64)), DataType.Float), 1.0 / (1 << 24));
        return e.Unsqueeze(colour, [2, 3], new TensorShape([batch, channels, 1, 1]));
    }

    private static TensorRef Round(GraphEmitter e, TensorRef h, TensorRef v)
    {
        var one = e.Constant([1], [], DataType.Int64);
        h = Mod(e, e.Mul(e.Add(e.Add(h, v), one), e.Constant([Multiplier], [], DataType.Int64)));
        return Mod(e, e.Add(e.Mul(h, h), e.Constant([Increment], [], DataType.Int64)));
    }

    private static TensorRef Mod(GraphEmitter e, TensorRef x) =>
        e.Op("Mod", [x, e.Constant([Modulus], [], DataType.Int64)], DataType.Int64, x.Shape, Attributes.Int("fmod", 0));
}
