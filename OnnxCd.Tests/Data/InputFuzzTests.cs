using System.Buffers.Binary;
using System.IO.Compression;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Data.Sources;
using OnnxCd.Tests.TestSupport;
using Xunit.Abstractions;

namespace OnnxCd.Tests.Data;

/// <summary>
/// Mutation fuzzing of every data reader on a fixed count of seeded inputs (<see cref="Fuzzer"/>): a damaged image or array may be
/// refused (a <see cref="DataException"/> when the file is opened, or a sample with its reason),
/// but nothing may crash, hang or throw anything else, and reading never throws once the file is open.
/// </summary>
public sealed class InputFuzzTests(ITestOutputHelper output)
{
    /// <summary>Inputs per reader: about 8 s each on a quiet 2-core machine.</summary>
    private const int Count = 800;

    public static TheoryData<string> ImageKinds => new() { ".png", ".jpg", ".bmp" };

    public static TheoryData<string> ArrayKinds => new() { "npy-float32", "npy-uint8", "idx", "idx-gzip", "cifar" };

    [Theory]
    [MemberData(nameof(ImageKinds))]
    public void MutatedImages_AreDecodedOrRefused(string extension)
    {
        var seed = extension switch { ".png" => HostileImages.NoisyPng(), ".jpg" => HostileImages.NoisyJpeg(), _ => HostileImages.NoisyBmp() };
        using var dir = new TempDirectory();
        var count = 0;

        var outcome = Fuzzer.Run("image" + extension, extension.Length, Count, random => ByteMutator.Mutate(seed, random), bytes =>
        {
            var path = dir.File($"{Interlocked.Increment(ref count)}{extension}");
            File.WriteAllBytes(path, bytes);
            try
            {
                var pixels = ImageFile.Read(path, 3, 16, 16);
                Assert.Equal(3 * 16 * 16, pixels.Length);
                Assert.All(pixels, v => Assert.InRange(v, 0f, 1f));
            }
            catch (DataException e)
            {
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(path);
            }
        });

        Report(outcome);
    }

    [Theory]
    [MemberData(nameof(ArrayKinds))]
    public void MutatedArrays_AreReadOrRefused(string kind)
    {
        var (seed, name, format, spec) = ArraySeed(kind);
        using var dir = new TempDirectory();
        var count = 0;

        var outcome = Fuzzer.Run(kind, kind.Length, Count, random => ByteMutator.Mutate(seed, random), bytes =>
        {
            var folder = dir.File($"{Interlocked.Increment(ref count)}");
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            try
            {
                ReadAll(path, format, spec);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });

        Report(outcome);
    }

    /// <summary>Opens the data (a <see cref="DataException"/> is an answer) and reads every sample, which must not throw.</summary>
    private static void ReadAll(string path, string format, ImageSpec spec)
    {
        DatasetSource source;
        try
        {
            source = DatasetSource.Open(path, format, spec);
        }
        catch (DataException)
        {
            return;
        }

        using (source)
        {
            foreach (var sample in source.Read(0, source.Count))
            {
                Assert.True(sample.Pixels is null != (sample.Error is null), $"sample {sample.Index}: pixels and error");
                if (sample.Pixels is { } pixels)
                {
                    Assert.Equal(spec.Size, pixels.Length);
                }
            }
        }
    }

    private static (byte[] Bytes, string Name, string Format, ImageSpec Spec) ArraySeed(string kind)
    {
        var grey = new ImageSpec(1, 8, 8);
        var random = new Random(3);
        var pixels = new byte[6 * 64];
        random.NextBytes(pixels);
        switch (kind)
        {
            case "npy-float32":
                return (NpyBytes(NpyArray.Of(pixels.Select(b => b / 255f).ToArray(), 6, 1, 8, 8)), "x.npy", "npy", grey);
            case "npy-uint8":
                var rgb = new byte[6 * 64 * 3];
                random.NextBytes(rgb);
                return (NpyBytes(NpyArray.Of(rgb, 6, 8, 8, 3)), "x.npy", "npy", new ImageSpec(3, 8, 8));
            case "idx" or "idx-gzip":
                var idx = new byte[16 + pixels.Length];
                BinaryPrimitives.WriteUInt32BigEndian(idx, 0x0803);
                BinaryPrimitives.WriteUInt32BigEndian(idx.AsSpan(4), 6);
                BinaryPrimitives.WriteUInt32BigEndian(idx.AsSpan(8), 8);
                BinaryPrimitives.WriteUInt32BigEndian(idx.AsSpan(12), 8);
                pixels.CopyTo(idx, 16);
                return kind == "idx" ? (idx, "images-idx3-ubyte", "idx", grey) : (Gzip(idx), "images-idx3-ubyte.gz", "idx", grey);
            default:
                var cifar = new byte[3 * 3073];
                random.NextBytes(cifar);
                return (cifar, "data_batch_1.bin", "cifar", new ImageSpec(3, 32, 32));
        }
    }

    private static byte[] NpyBytes(NpyArray array)
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("x.npy"), array);
        return File.ReadAllBytes(dir.File("x.npy"));
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }

        return stream.ToArray();
    }

    private void Report(FuzzOutcome outcome)
    {
        output.WriteLine($"{outcome.Inputs} mutated inputs");
        Assert.True(outcome.Failures.Count == 0, string.Join("\n\n", outcome.Failures));
        Assert.True(outcome.Inputs >= 20, $"only {outcome.Inputs} inputs were tried");
    }
}
