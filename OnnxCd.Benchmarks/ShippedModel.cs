using OnnxCd.Runtime.Graph;

namespace OnnxCd.Benchmarks;

/// <summary>Locates the shipped models from the working directory or the benchmark binary.</summary>
internal static class ShippedModel
{
    /// <summary>The shipped clean Fashion-MNIST classifier that the suites time.</summary>
    public static OnnxModel LoadClean() => OnnxModel.Load(Path("fmnist-cnn-clean.onnx"));

    public static string Path(string file)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "onnx-models", file);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"onnx-models/{file} not found above {Directory.GetCurrentDirectory()}; run the benchmarks from the repository.");
    }
}
