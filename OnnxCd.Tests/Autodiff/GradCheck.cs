using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Autodiff;

/// <summary>
/// A random-direction VJP check against central finite differences, on the CPU provider. With
/// L(x) = Σₖ ⟨yₖ(x), cₖ⟩ for random cotangents c, the gradient model gives g = ∇L = Jᵀc; for a random
/// direction t, ⟨g, t⟩ must equal (L(x + εt) − L(x − εt)) / 2ε. Three runs, whatever the sizes.
/// </summary>
internal static class GradCheck
{
    public static void Verify(GradCase c, int seed, ProviderTarget target = ProviderTarget.Any)
    {
        var graph = c.Build();
        VerifyModel(c.Name, graph.Build(), graph.InputDims, c.Samplers, c.Tol, seed, target);
    }

    /// <summary>The same check for any model: every float input differentiated, every float output given a cotangent.</summary>
    public static void VerifyModel(string name, OnnxModel model, IReadOnlyDictionary<string, long[]> inputDims, IReadOnlyDictionary<string, Sampler> samplers, Tolerance tolerance, int seed, ProviderTarget target = ProviderTarget.Any)
    {
        var (gradient, shapes, wrt, outputs) = Gradient(model, inputDims, target);

        var random = new Random(seed);
        var x = wrt.ToDictionary(n => n, n => samplers.GetValueOrDefault(n, Sampler.Uniform(-2, 2)).Draw(random, Count(inputDims[n])));
        var t = wrt.ToDictionary(n => n, n => Normal(random, x[n].Length));

        using var forward = new OrtRun(model);
        var y0 = forward.Run(Feed(inputDims, wrt, x, shapes), outputs);
        var cotangents = outputs.ToDictionary(n => n, n => Normal(random, y0[n].Values.Length));

        var feed = Feed(inputDims, wrt, x, shapes);
        foreach (var output in outputs)
        {
            feed[gradient.CotangentInputs[output]] = (cotangents[output], y0[output].Dims, shapes[output].ElementType);
        }

        using var backward = new OrtRun(gradient.Model);
        var grads = backward.Run(feed, wrt.Select(w => gradient.GradientOutputs[w]).ToArray());
        var analytic = wrt.Sum(w => Dot(grads[gradient.GradientOutputs[w]].Values, t[w]));

        double Loss(double sign)
        {
            var shifted = wrt.ToDictionary(n => n, n => x[n].Zip(t[n], (a, b) => a + (sign * tolerance.Eps * b)).ToArray());
            var y = forward.Run(Feed(inputDims, wrt, shifted, shapes), outputs);
            return outputs.Sum(o => Dot(y[o].Values, cotangents[o]));
        }

        var numeric = (Loss(+1) - Loss(-1)) / (2 * tolerance.Eps);
        Assert.True(
            tolerance.Passes(analytic, numeric),
            $"VJP check failed for {name} (seed {seed}, target {target}, tolerance {tolerance}): <g,t> = {analytic:R}, finite difference = {numeric:R}, " +
            $"error {Math.Abs(analytic - numeric):E3}; inputs {string.Join(", ", wrt.Select(w => $"{w}{shapes[w].Shape}"))}, {gradient.BackwardNodeCount} backward nodes.");
    }

    /// <summary>The gradient model the check runs: every float input differentiated, every float output given a cotangent.</summary>
    public static (GradientModel Gradient, TensorShapes Shapes, string[] Wrt, string[] Outputs) Gradient(OnnxModel model, IReadOnlyDictionary<string, long[]> inputDims, ProviderTarget target)
    {
        var shapes = ModelProbe.Run(model, inputDims);
        var wrt = model.InputNames.Where(n => shapes[n].IsFloat).ToArray();
        var outputs = model.OutputNames.Where(n => shapes[n].IsFloat).ToArray();
        return (GradientBuilder.Build(model, new GradientRequest { Wrt = wrt, Cotangents = outputs, Target = target }, shapes), shapes, wrt, outputs);
    }

    private static Dictionary<string, (double[], long[], DataType)> Feed(IReadOnlyDictionary<string, long[]> inputDims, string[] wrt, Dictionary<string, double[]> values, TensorShapes shapes) =>
        wrt.ToDictionary(n => n, n => (values[n], inputDims[n], shapes[n].ElementType), StringComparer.Ordinal);

    private static int Count(long[] dims) => (int)dims.Aggregate(1L, (a, b) => a * b);

    private static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

    private static double[] Normal(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
}
