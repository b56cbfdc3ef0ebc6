using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Autodiff;

/// <summary>
/// Gradient models are standard ONNX: the reference checker of the onnx package (full check, with
/// strict shape inference) accepts every gradient model the rule cases and the shipped model produce,
/// not only ONNX Runtime.
/// </summary>
public sealed class OnnxCheckerTests
{
    /// <summary>The newest opset the Debian onnx package (1.12) knows.</summary>
    private const long CheckerOpset = 17;

    [PythonOnnxFact]
    public void EveryGradientModel_PassesTheOnnxChecker()
    {
        using var dir = new TempDirectory();
        var files = new List<string>();
        foreach (var gradCase in GradCases.All)
        {
            var graph = gradCase.Build();
            var model = graph.Build();
            if (model.Opset > CheckerOpset)
            {
                continue;
            }

            var shapes = ModelProbe.Run(model, graph.InputDims);
            var request = new GradientRequest
            {
                Wrt = model.InputNames.Where(n => shapes[n].IsFloat).ToArray(),
                Cotangents = model.OutputNames.Where(n => shapes[n].IsFloat).ToArray(),
            };
            var path = dir.File($"case{files.Count}.onnx");
            GradientBuilder.Build(model, request, shapes).Model.Save(path);
            files.Add(path);
        }

        var shipped = OnnxModel.Load(Path.Combine(RepositoryPaths.OnnxModels, "fmnist-cnn-clean.onnx"));
        var shippedShapes = ModelProbe.Run(shipped, new Dictionary<string, long[]> { ["input"] = [1, 1, 28, 28] });
        var shippedGradient = dir.File("shipped.onnx");
        GradientBuilder.Build(shipped, GradientRequest.Vjp("input", "logits"), shippedShapes).Model.Save(shippedGradient);
        files.Add(shippedGradient);

        const string script = "import onnx, sys\n"
            + "bad = []\n"
            + "for p in sys.argv[1:]:\n"
            + "    try: onnx.checker.check_model(onnx.load(p), full_check=True)\n"
            + "    except Exception as e: bad.append(f'{p}: {e}')\n"
            + "print('\\n'.join(bad)); sys.exit(1 if bad else 0)\n";
        var (code, output) = PythonOnnx.Run(["-c", script, .. files]);

        Assert.True(files.Count > 150, $"only {files.Count} gradient models were checked");
        Assert.True(code == 0, "The ONNX checker rejected gradient models:\n" + output);
    }
}
