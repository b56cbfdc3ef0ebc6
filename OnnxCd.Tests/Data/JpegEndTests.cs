using OnnxCd.Runtime.Data;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Data;

public sealed class JpegEndTests
{
    private static readonly byte[] s_jpeg = HostileImages.NoisyJpeg();

    [Fact]
    public void CompleteJpeg_AndTrailingBytesAfterTheEnd_AreAccepted()
    {
        Assert.Null(JpegEnd.Problem(s_jpeg));
        Assert.Null(JpegEnd.Problem([.. s_jpeg, 1, 2, 3, 0xFF, 0xD8]));
    }

    [Fact]
    public void JpegCutAnywhere_IsTruncated()
    {
        foreach (var length in new[] { 4, 20, s_jpeg.Length / 3, s_jpeg.Length / 2, s_jpeg.Length - 2, s_jpeg.Length - 1 })
        {
            Assert.Contains("truncated", JpegEnd.Problem(s_jpeg.AsSpan(0, length)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EndMarkerOfAThumbnailInsideAnAppSegment_DoesNotCountAsTheEnd()
    {
        // An APP1 segment (as Exif puts thumbnails) holding a whole tiny JPEG, inserted after SOI, then the main image cut short.
        byte[] thumbnail = [0xFF, 0xD8, 0xFF, 0xD9];
        byte[] app1 = [0xFF, 0xE1, 0, (byte)(2 + thumbnail.Length), .. thumbnail];
        byte[] cut = [.. s_jpeg.AsSpan(0, 2), .. app1, .. s_jpeg.AsSpan(2, s_jpeg.Length / 2)];

        Assert.Contains("truncated", JpegEnd.Problem(cut), StringComparison.Ordinal);
        Assert.Null(JpegEnd.Problem([.. s_jpeg.AsSpan(0, 2), .. app1, .. s_jpeg.AsSpan(2)]));
    }

    [Fact]
    public void NotAJpeg_IsSaidSo()
    {
        Assert.Contains("start-of-image", JpegEnd.Problem("GIF89a"u8), StringComparison.Ordinal);
    }
}
