using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Tests.TestSupport;

/// <summary>The shipped Fashion-MNIST model and its 16-image sample.</summary>
internal static class ShippedSamples
{
    public static string ModelPath => Path.Combine(RepositoryPaths.OnnxModels, "fmnist-cnn-clean.onnx");

    public static string ImagesPath => Path.Combine(RepositoryPaths.OnnxModels, "samples", "fmnist-test-16.npy");

    public static OnnxModel Model() => OnnxModel.Load(ModelPath);

    /// <summary>The 16 sample images, [16,1,28,28] in [0,1].</summary>
    public static (float[] Images, long[] Shape) Images() => ImageArrays.ToNchw(NpyFile.Read(ImagesPath), ImagesPath);

    /// <summary><paramref name="count"/> images made from the 16 samples, each later copy rolled by 29 pixels more.</summary>
    public static (float[] Images, long[] Shape) Many(int count)
    {
        var (samples, _) = Images();
        var images = new float[count * 784];
        for (var i = 0; i < count; i++)
        {
            for (var p = 0; p < 784; p++)
            {
                images[(i * 784) + p] = samples[((i % 16) * 784) + ((p + ((i / 16) * 29)) % 784)];
            }
        }

        return (images, [count, 1, 28, 28]);
    }
}
