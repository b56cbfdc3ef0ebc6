namespace OnnxCd.Runtime.Data;

/// <summary>
/// Checks that a JPEG runs to its end-of-image marker. ImageSharp decodes a truncated JPEG without
/// complaint and fills the missing rows, which would hand CD a picture that is not in the dataset,
/// so the marker segments are walked here (leniently, as libjpeg does: stray bytes between segments
/// are skipped) and a file that ends first is refused.
/// </summary>
internal static class JpegEnd
{
    private const byte Marker = 0xFF;
    private const byte StartOfImage = 0xD8;
    private const byte EndOfImage = 0xD9;
    private const byte StartOfScan = 0xDA;

    /// <summary>Null when <paramref name="bytes"/> reach an end-of-image marker; otherwise what is wrong.</summary>
    public static string? Problem(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4 || bytes[0] != Marker || bytes[1] != StartOfImage)
        {
            return "it has no JPEG start-of-image marker";
        }

        var i = 2;
        var inScan = false;
        while (i + 1 < bytes.Length)
        {
            if (bytes[i] != Marker || bytes[i + 1] is Marker or 0x00 || (inScan && IsRestart(bytes[i + 1])))
            {
                // Entropy-coded data, a stuffed 0xFF00, a restart marker inside a scan, fill bytes, or stray bytes.
                i++;
                continue;
            }

            var code = bytes[i + 1];
            if (code == EndOfImage)
            {
                return null;
            }

            if (IsRestart(code) || code == 0x01)
            {
                i += 2;
                continue;
            }

            if (i + 3 >= bytes.Length)
            {
                break;
            }

            var length = (bytes[i + 2] << 8) | bytes[i + 3];
            i += 2 + length;
            inScan = code == StartOfScan;
        }

        return $"it is truncated: its {bytes.Length} bytes end before the JPEG end-of-image marker";
    }

    private static bool IsRestart(byte code) => code is >= 0xD0 and <= 0xD7;
}
