using Microsoft.ML.OnnxRuntime;
using Onnx;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;
using Google.Protobuf;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.Autodiff;

/// <summary>How one of ONNX's operator test cases fared: its gradient agreed, it was refused or skipped (with the reason), or it failed.</summary>
internal enum ConformanceOutcome
{
    Agreed,
    Refused,
    Skipped,
    Failed,
}

/// <summary>One ONNX operator test case (written by tools/onnx_node_cases.py), checked end to end.</summary>
/// <param name="Name">The case's folder name (ONNX's test name).</param>
/// <param name="OpType">The op the case tests (the last node of its graph).</param>
/// <param name="Opset">The opset the case was written at.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Reason">Why it was refused, skipped or failed; empty when it agreed.</param>
internal sealed record ConformanceResult(string Name, string OpType, long Opset, ConformanceOutcome Outcome, string Reason);

/// <summary>
/// Checks one ONNX operator test case: the model is loaded as OnnxCd loads any file (lifted to opset 17
/// when older), the lifted forward must give what ONNX Runtime gives for the file as written, and the
/// input gradient, the first input differentiated and the others frozen at the case's values, must
/// agree with central finite differences along a random direction for random cotangents.
/// Kinks: where two step sizes disagree the difference crossed a kink, and the input is moved by up to
/// 2% and the check repeated, four times at most.
/// </summary>
internal static class ConformanceCase
{
    private const int Attempts = 5;

    /// <summary>Ops that draw random numbers (decided by the graph, not by comparing runs, which could agree by chance).</summary>
    private static readonly HashSet<string> s_random = ["RandomUniform", "RandomUniformLike", "RandomNormal", "RandomNormalLike", "Bernoulli", "Multinomial"];

    public static ConformanceResult Check(string folder, Func<GradientModel, GradientModel>? tamper = null)
    {
        var name = Path.GetFileName(folder);
        var skip = Path.Combine(folder, "skip.txt");
        var path = Path.Combine(folder, "model.onnx");
        if (File.Exists(skip))
        {
            return new(name, "?", 0, ConformanceOutcome.Skipped, File.ReadAllText(skip).Trim());
        }

        var original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var opType = original.Graph.Node[^1].OpType;
        var opset = original.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0;
        ConformanceResult Result(ConformanceOutcome outcome, string reason) => new(name, opType, opset, outcome, reason);

        OnnxModel model;
        try
        {
            model = OnnxModel.Load(path);
        }
        catch (ModelException e)
        {
            return Result(ConformanceOutcome.Refused, e.Message);
        }

        var input = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "input.pb")));
        var type = (DataType)input.DataType;
        var inputName = model.InputNames[0];
        var dims = input.Dims.ToArray();
        double[] x;
        try
        {
            x = Tensors.ReadDoubles(input);
        }
        catch (NotSupportedException)
        {
            return Result(ConformanceOutcome.Skipped, $"the first input is {ElementTypes.Name(type)}, which this test does not feed (and nothing to differentiate)");
        }

        Dictionary<string, (double[] Values, long[] Dims)> fileOutputs;
        try
        {
            fileOutputs = RunFile(original, inputName, x, dims, type);
        }
        catch (OnnxRuntimeException e)
        {
            return Result(ConformanceOutcome.Skipped, "ONNX Runtime does not run the file as written: " + FirstLine(e.Message));
        }
        catch (NotSupportedException e)
        {
            return Result(ConformanceOutcome.Skipped, "an output holds " + e.Message + ", which this test does not read (nothing to differentiate)");
        }

        if (original.Graph.Node.FirstOrDefault(n => s_random.Contains(n.OpType)) is { } draw)
        {
            return Result(ConformanceOutcome.Skipped, $"the outputs are random ({draw.OpType}): finite differences of a random function mean nothing");
        }

        if (model.SourceOpset < model.Opset && LiftMismatch(model, inputName, x, dims, type, fileOutputs) is { } broken)
        {
            return Result(ConformanceOutcome.Failed, "the lifted model computes something else: " + broken);
        }

        if (!ElementTypes.IsFloat(type))
        {
            return Result(ConformanceOutcome.Skipped, $"the first input is {ElementTypes.Name(type)}: nothing to differentiate");
        }

        TensorShapes shapes;
        try
        {
            shapes = ModelProbe.Run(model, new Dictionary<string, long[]> { [inputName] = dims });
        }
        catch (ModelException e)
        {
            return Result(ConformanceOutcome.Skipped, "OnnxCd cannot probe its shapes: " + FirstLine(e.Message));
        }

        var outputs = model.OutputNames.Where(o => shapes[o].IsFloat).ToArray();
        if (outputs.Length == 0)
        {
            return Result(ConformanceOutcome.Skipped, "no float output: nothing carries a gradient");
        }

        if (outputs.FirstOrDefault(o => !Fits(shapes[o].Shape, fileOutputs[o].Dims)) is { } moved)
        {
            return Result(ConformanceOutcome.Skipped, $"output '{moved}' is {TensorShape.Format(fileOutputs[moved].Dims)} at the case's input but {shapes[moved].Shape} at the probe's: its shape depends on the input's values, which a probe on other values cannot know");
        }

        if (outputs.Any(o => fileOutputs[o].Values.Any(v => !double.IsFinite(v))))
        {
            return Result(ConformanceOutcome.Skipped, "an output is NaN or infinite at the case's own input, where no derivative exists");
        }

        var request = new GradientRequest { Wrt = [inputName], Cotangents = outputs };
        GradientModel gradient;
        try
        {
            gradient = GradientBuilder.Build(model, request, shapes);
        }
        catch (GradientNotSupportedException e)
        {
            return Result(ConformanceOutcome.Refused, string.Join("; ", e.Errors.Select(r => $"{r.OpType}: {r.Reason}").Distinct()));
        }
        catch (ModelException e)
        {
            return Result(ConformanceOutcome.Refused, e.Message);
        }

        gradient = tamper?.Invoke(gradient) ?? gradient;
        try
        {
            return Differences(model, gradient, shapes, inputName, x, dims, type, outputs, name) is { } failure
                ? Result(ConformanceOutcome.Failed, failure)
                : Result(ConformanceOutcome.Agreed, string.Empty);
        }
        catch (OnnxRuntimeException e)
        {
            return Result(ConformanceOutcome.Failed, "the model or its gradient does not run: " + FirstLine(e.Message));
        }
    }

    /// <summary>
    /// Null when the finite differences agree with the gradient; otherwise what disagreed. The step is
    /// large enough for the input's own rounding (100 units in the last place of its largest value) and
    /// for the coarsest type on the way (√unit, 4× over); two step sizes that disagree mean a kink (or
    /// a domain edge) within the step, and a gradient that disagrees at the case's own input may sit on
    /// one: both move the input (zeros up by ten steps, the rest by up to 2% toward zero, then away from
    /// it, in turn, so that one of the two stays inside a domain bounded on either side) and try again.
    /// They agree within 0.1% plus a floor: 50 roundings of the loss divided by the step, and 10⁻⁵ of
    /// the Cauchy–Schwarz bound ‖g‖·‖t‖ of the dot product (every case passes at 0.01%; the margin is
    /// for other machines' kernels).
    /// </summary>
    private static string? Differences(OnnxModel model, GradientModel gradient, TensorShapes shapes, string input, double[] x0, long[] dims, DataType type, string[] outputs, string name)
    {
        var random = new Random(name.Aggregate(17, (h, ch) => unchecked((h * 31) + ch)));
        using var forward = new OrtRun(model);
        using var backward = new OrtRun(gradient.Model);
        var unit = outputs.Select(o => Unit(shapes[o].ElementType)).Append(Unit(type)).Max();
        var eps = Math.Max(4 * Math.Sqrt(unit), 100 * Unit(type) * x0.Select(Math.Abs).DefaultIfEmpty(0).Max());
        var x = x0;
        var last = "no attempt";
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (attempt > 0)
            {
                var sign = attempt % 2 == 1 ? -1 : 1;
                x = x0.Select(v => v == 0 ? (10 * eps) + (0.01 * random.NextDouble()) : v * (1 + (sign * 0.02 * random.NextDouble()))).ToArray();
            }

            var t = Enumerable.Range(0, x.Length).Select(_ => Normal(random)).ToArray();
            var feed = new Dictionary<string, (double[], long[], DataType)> { [input] = (x, dims, type) };
            var y = forward.Run(feed, outputs);
            var c = outputs.ToDictionary(o => o, o => y[o].Values.Select(_ => Normal(random)).ToArray());
            foreach (var o in outputs)
            {
                feed[gradient.CotangentInputs[o]] = (c[o], y[o].Dims, shapes[o].ElementType);
            }

            var g = backward.Run(feed, [gradient.GradientOutputs[input]])[gradient.GradientOutputs[input]].Values;
            var analytic = Dot(g, t);
            double Loss(double step) => outputs.Sum(o => Dot(forward.Run(new Dictionary<string, (double[], long[], DataType)> { [input] = (x.Zip(t, (a, b) => a + (step * b)).ToArray(), dims, type) }, [o])[o].Values, c[o]));
            var numeric = (Loss(eps) - Loss(-eps)) / (2 * eps);
            var half = (Loss(eps / 2) - Loss(-eps / 2)) / eps;
            var magnitude = outputs.Sum(o => y[o].Values.Zip(c[o], (a, b) => Math.Abs(a * b)).Sum());
            var floor = (50 * unit * magnitude / eps) + (1e-5 * Math.Sqrt(Dot(g, g) * Dot(t, t)));
            if (!double.IsFinite(numeric) || !double.IsFinite(half) || Math.Abs(numeric - half) > (1e-2 * Math.Abs(numeric)) + floor)
            {
                last = $"finite differences disagree between steps ({numeric:G6} at {eps:G3}, {half:G6} at half): a kink or a domain edge";
                continue;
            }

            var allowed = (1e-3 * Math.Max(Math.Abs(analytic), Math.Abs(numeric))) + floor;
            if (!double.IsFinite(analytic) || Math.Abs(analytic - numeric) > allowed)
            {
                last = $"<g,t> = {analytic:G8}, finite difference = {numeric:G8} (allowed error {allowed:G3}, attempt {attempt + 1})";
                continue;
            }

            return null;
        }

        return last;
    }

    /// <summary>The unit roundoff of a float type (float16 2⁻¹¹, float32 2⁻²⁴, float64 2⁻⁵³).</summary>
    private static double Unit(DataType type) => type switch
    {
        DataType.Float16 => 4.9e-4,
        DataType.Double => 1.1e-16,
        _ => 6e-8,
    };

    /// <summary>The outputs of the file as written (before any lift), run by ONNX Runtime.</summary>
    private static Dictionary<string, (double[] Values, long[] Dims)> RunFile(ModelProto file, string input, double[] x, long[] dims, DataType type)
    {
        using var run = new OrtRun(file.ToByteArray());
        return run.Run(new Dictionary<string, (double[], long[], DataType)> { [input] = (x, dims, type) }, file.Graph.Output.Select(o => o.Name).ToArray());
    }

    /// <summary>Null when the lifted model runs and gives the file's outputs; otherwise what differs.</summary>
    private static string? LiftMismatch(OnnxModel model, string input, double[] x, long[] dims, DataType type, Dictionary<string, (double[] Values, long[] Dims)> expected)
    {
        try
        {
            using var run = new OrtRun(model);
            var got = run.Run(new Dictionary<string, (double[], long[], DataType)> { [input] = (x, dims, type) }, expected.Keys.ToArray());
            return Mismatch(got, expected, "the file");
        }
        catch (OnnxRuntimeException e)
        {
            return "ONNX Runtime does not run it: " + FirstLine(e.Message);
        }
    }

    /// <summary>Null when <paramref name="got"/> equals <paramref name="expected"/> (to float32 rounding); otherwise the first difference.</summary>
    private static string? Mismatch(Dictionary<string, (double[] Values, long[] Dims)> got, Dictionary<string, (double[] Values, long[] Dims)> expected, string what)
    {
        foreach (var (name, (values, shape)) in expected)
        {
            if (!got[name].Dims.SequenceEqual(shape))
            {
                return $"output '{name}' has shape [{string.Join(",", got[name].Dims)}], {what} gives [{string.Join(",", shape)}]";
            }

            for (var i = 0; i < values.Length; i++)
            {
                var (a, b) = (got[name].Values[i], values[i]);
                if (!(a == b || (double.IsNaN(a) && double.IsNaN(b)) || Math.Abs(a - b) <= 1e-5 * (1 + Math.Abs(b))))
                {
                    return $"output '{name}' element {i} is {a:G8}, {what} gives {b:G8}";
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="dims"/> fit <paramref name="shape"/> (its dynamic axes fit any size).</summary>
    private static bool Fits(TensorShape shape, long[] dims) =>
        shape.Rank == dims.Length && Enumerable.Range(0, dims.Length).All(i => shape.IsDynamic(i) || shape[i] == dims[i]);

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    private static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
