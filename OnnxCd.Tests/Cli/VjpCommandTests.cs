using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Cli;

public sealed class VjpCommandTests
{
    private static readonly string s_model = Path.Combine(RepositoryPaths.OnnxModels, "fmnist-cnn-clean.onnx");
    private static readonly string s_images = Path.Combine(RepositoryPaths.OnnxModels, "samples", "fmnist-test-16.npy");
    private static readonly string s_onehot = Path.Combine(RepositoryPaths.OnnxModels, "samples", "fmnist-test-16-onehot.npy");

    /// <summary>
    /// The README's main command on the shipped model and sample, against the saliency that
    /// torch.autograd computed in float64 on the trained PyTorch model (tools/train_fmnist_cnn.py).
    /// A finite-difference check is no oracle here: the black backgrounds tie inside the max pools,
    /// where the model has no derivative.
    /// </summary>
    [Fact]
    public void ShippedModel_GradientMatchesTorchAutograd()
    {
        using var dir = new TempDirectory();
        var (code, output, log) = CliRunner.Run("vjp", "--model", s_model, "--input", s_images, "--cotangent", s_onehot, "--out", dir.File("g/saliency.npy"), "--device", "cpu", "--batch-size", "5");

        Assert.True(code == 0, log);
        Assert.Contains("CPUExecutionProvider", output, StringComparison.Ordinal);
        var actual = NpyFile.Read(dir.File("g/saliency.npy"));
        var expected = NpyFile.Read(Path.Combine(RepositoryPaths.OnnxModels, "samples", "fmnist-test-16-saliency.npy"));
        Assert.Equal(expected.Shape, actual.Shape);
        var error = RelativeL2(actual.Floats, expected.Floats);
        Assert.True(error <= 1e-4, $"relative L2 error {error:E3}");
    }

    [Fact]
    public void UnsupportedModel_Exits3_ListingEveryNode()
    {
        using var dir = new TempDirectory();
        var g = new TestGraph();
        var x = g.Input("x", [2, 1, 2, 2], dynamicBatch: true);
        g.Output(g.Node("MeanVarianceNormalization", [g.Node("MeanVarianceNormalization", [g.Node("Relu", [x])])]));
        g.Build().Save(dir.File("m.onnx"));
        NpyFile.Write(dir.File("x.npy"), NpyArray.Of(new float[8], 2, 1, 2, 2));
        NpyFile.Write(dir.File("c.npy"), NpyArray.Of(new float[8], 2, 1, 2, 2));

        var (code, _, log) = CliRunner.Run("vjp", "--model", dir.File("m.onnx"), "--input", dir.File("x.npy"), "--cotangent", dir.File("c.npy"), "--out", dir.File("g.npy"), "--device", "cpu");

        Assert.Equal(3, code);
        Assert.Contains("2 nodes", log, StringComparison.Ordinal);
        Assert.Contains("'MeanVarianceNormalization_1' (MeanVarianceNormalization, opset 17)", log, StringComparison.Ordinal);
        Assert.Contains("'MeanVarianceNormalization_2' (MeanVarianceNormalization, opset 17)", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
    }

    [Fact]
    public void CotangentOfTheWrongShape_Exits4_NamingTheFile()
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("c.npy"), NpyArray.Of(new float[16 * 9], 16, 9));

        var (code, _, log) = CliRunner.Run("vjp", "--model", s_model, "--input", s_images, "--cotangent", dir.File("c.npy"), "--out", dir.File("g.npy"), "--device", "cpu");

        Assert.Equal(4, code);
        Assert.Contains("c.npy' has shape [16,9], but output 'logits' takes [?,10]", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--device", "tpu", "valid values are auto, cpu, cuda")]
    [InlineData("--batch-size", "0", "--batch-size 0 is out of range")]
    public void BadOptions_Exit2_WithTheValidValues(string option, string value, string expected)
    {
        var (code, _, log) = CliRunner.Run("vjp", "--model", s_model, "--input", s_images, "--cotangent", s_onehot, "--out", "unused.npy", option, value);

        Assert.Equal(2, code);
        Assert.Contains(expected, log, StringComparison.Ordinal);
    }

    [Fact]
    public void AutoDevice_ReportsTheProviderThatRan()
    {
        using var dir = new TempDirectory();
        var (code, output, log) = CliRunner.Run("vjp", "--model", s_model, "--input", s_images, "--cotangent", s_onehot, "--out", dir.File("g.npy"));

        Assert.True(code == 0, log);
        Assert.Matches("Provider +(CPU|CUDA)ExecutionProvider", output);
    }

    [Fact]
    public void FixedBatchModel_RunsInPaddedChunks()
    {
        OnnxModel Model(bool dynamicBatch)
        {
            var g = new TestGraph();
            var x = g.Input("x", [4, 3], dynamicBatch);
            g.Output(g.Node("Gemm", [g.Node("Tanh", [x]), g.Constant([1, 2, 3, 4, 5, 6], [3, 2])]));
            return g.Build();
        }

        var random = new Random(5);
        var x = Enumerable.Range(0, 18).Select(_ => (float)random.NextDouble()).ToArray();
        var c = Enumerable.Range(0, 12).Select(_ => (float)random.NextDouble()).ToArray();
        using var fixedBatch = VjpSession.Create(Model(dynamicBatch: false), [4, 3], null, new ExecutionOptions());
        using var dynamicBatch = VjpSession.Create(Model(dynamicBatch: true), [4, 3], null, new ExecutionOptions());

        Assert.Equal(4, fixedBatch.FixedBatch);
        Assert.Null(dynamicBatch.FixedBatch);
        var expected = dynamicBatch.Run(x, [6, 3], c, [6, 2], batchSize: 6);
        var actual = fixedBatch.Run(x, [6, 3], c, [6, 2], batchSize: 6);
        Assert.Equal(expected, actual, (a, b) => Math.Abs(a - b) <= 1e-6f);
    }

    /// <summary>‖actual − expected‖₂ / ‖expected‖₂, in double.</summary>
    internal static double RelativeL2(float[] actual, float[] expected) =>
        Math.Sqrt(actual.Zip(expected, (a, e) => ((double)a - e) * ((double)a - e)).Sum()) / Math.Sqrt(expected.Sum(e => (double)e * e));
}
