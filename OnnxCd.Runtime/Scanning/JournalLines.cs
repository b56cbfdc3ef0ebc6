using System.Text;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// The lines of a journal CSV with the byte offset where each starts, so a reader can keep the
/// offset (8 bytes) instead of the line and read it back later (<see cref="JournalLineReader"/>).
/// Only complete lines count: a torn last line without its newline (a run killed mid-write) is left out.
/// </summary>
internal static class JournalLines
{
    private const int InitialBuffer = 1 << 16;

    /// <summary>Every complete line of <paramref name="path"/> (the header included), with its offset.</summary>
    public static IEnumerable<(long Offset, string Line)> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        var buffer = new byte[InitialBuffer];
        long bufferOffset = 0;
        int start = 0, end = 0;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                yield return (bufferOffset + start, Decode(buffer, start, newline - start));
                start = newline + 1;
                continue;
            }

            // No newline in what is buffered: keep the partial line, make room, read on.
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            bufferOffset += start;
            end -= start;
            start = 0;
            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                yield break;
            }

            end += read;
        }
    }

    /// <summary>A line's text, UTF-8, without a trailing carriage return.</summary>
    public static string Decode(byte[] bytes, int start, int length)
    {
        if (length > 0 && bytes[start + length - 1] == '\r')
        {
            length--;
        }

        return Encoding.UTF8.GetString(bytes, start, length);
    }
}
