using System.Text;
using OnnxCd.Runtime;
using OnnxCd.Runtime.Data;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Data;

public sealed class NpyFileTests
{
    [Fact]
    public void Float32_RoundTrips()
    {
        using var dir = new TempDirectory();
        var array = NpyArray.Of([1.5f, -2f, 3.25f, 0f, 7f, 8f], 2, 3);
        NpyFile.Write(dir.File("a.npy"), array);

        var read = NpyFile.Read(dir.File("a.npy"));

        Assert.Equal(NpyType.Float32, read.Type);
        Assert.Equal(array.Shape, read.Shape);
        Assert.Equal(array.Floats, read.Floats);
        Assert.Equal(0, (new FileInfo(dir.File("a.npy")).Length - 24) % 64);
    }

    [Fact]
    public void UInt8_RoundTrips_AndReadsNumpyHeaders()
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("b.npy"), NpyArray.Of([1, 2, 3], 3));
        Assert.Equal(new byte[] { 1, 2, 3 }, NpyFile.Read(dir.File("b.npy")).Bytes);

        var shipped = NpyFile.Read(Path.Combine(RepositoryPaths.OnnxModels, "samples", "fmnist-test-16.npy"));
        Assert.Equal(new long[] { 16, 28, 28 }, shipped.Shape);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }", "holds 8 bytes")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "Fortran order")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", "dtype '<f8'")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "dtype '>f4'")]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "malformed")]
    public void BadHeaders_AreRefusedWithTheReason(string header, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.npy");
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        var text = header + "\n";
        bytes.AddRange(BitConverter.GetBytes((ushort)text.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(text));
        bytes.AddRange(new byte[8]);
        File.WriteAllBytes(path, [.. bytes]);

        var error = Assert.Throws<DataException>(() => NpyFile.Read(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotNpy_IsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("x.npy"), "hello");
        Assert.Contains("not a .npy file", Assert.Throws<DataException>(() => NpyFile.Read(dir.File("x.npy"))).Message, StringComparison.Ordinal);
    }
}
