using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Data.Sources;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace OnnxCd.Benchmarks;

/// <summary>
/// Reading a dataset as a scan does (decode, convert to float in [0,1], resize where needed): one
/// operation reads every sample of a Fashion-MNIST-sized set of 28×28 grey images, so samples/s =
/// <see cref="Samples"/> / time. The files are written in setup from the shipped test images.
/// </summary>
[MemoryDiagnoser]
public class DataLoadingBenchmarks
{
    private const int Samples = 2048;
    private static readonly ImageSpec s_spec = new(1, 28, 28);
    private string _folder = null!;
    private DatasetSource _source = null!;

    /// <summary>npy (uint8 [N,28,28]), idx (gzip-compressed IDX) or folder (one PNG per sample in 10 class folders).</summary>
    [Params("npy", "idx", "folder")]
    public string Format { get; set; } = "npy";

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("onnxcd-bench-data-").FullName;
        var shipped = NpyFile.Read(ShippedModel.Path(Path.Combine("samples", "fmnist-test-16.npy")));
        var (images, _) = ImageArrays.ToNchw(shipped, "shipped samples");
        var pixels = Enumerable.Range(0, Samples * 784).Select(i => (byte)Math.Round(images[i % images.Length] * 255)).ToArray();
        var path = Format switch
        {
            "npy" => WriteNpy(pixels),
            "idx" => WriteIdx(pixels),
            _ => WriteFolder(pixels),
        };
        _source = DatasetSource.Open(path, Format, s_spec);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _source.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public long ReadAll() => _source.Read(0, _source.Count).Sum(s => s.Pixels?.Length ?? 0);

    private string WriteNpy(byte[] pixels)
    {
        var path = Path.Combine(_folder, "x.npy");
        NpyFile.Write(path, NpyArray.Of(pixels, Samples, 28, 28));
        return path;
    }

    private string WriteIdx(byte[] pixels)
    {
        var path = Path.Combine(_folder, "x-idx3-ubyte.gz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write([0, 0, 8, 3]);
        foreach (var dim in new[] { Samples, 28, 28 })
        {
            gzip.Write([(byte)(dim >> 24), (byte)(dim >> 16), (byte)(dim >> 8), (byte)dim]);
        }

        gzip.Write(pixels);
        return path;
    }

    private string WriteFolder(byte[] pixels)
    {
        var root = Path.Combine(_folder, "images");
        for (var i = 0; i < Samples; i++)
        {
            var classFolder = Path.Combine(root, $"class{i % 10}");
            Directory.CreateDirectory(classFolder);
            using var image = Image.LoadPixelData<L8>(pixels.AsSpan(i * 784, 784), 28, 28);
            image.SaveAsPng(Path.Combine(classFolder, $"{i:D5}.png"));
        }

        return root;
    }
}
