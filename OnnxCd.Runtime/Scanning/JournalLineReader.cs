using Microsoft.Win32.SafeHandles;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// Reads journal lines back by the byte offsets <see cref="JournalLines"/> gave. It keeps one block
/// of the file, so lines read in file order (as a journal's index order nearly is) cost one read per
/// block, not one per line.
/// </summary>
internal sealed class JournalLineReader : IDisposable
{
    private const int BlockSize = 1 << 16;
    private readonly SafeFileHandle _file;
    private readonly string _path;
    private byte[] _block = new byte[BlockSize];
    private long _blockOffset;
    private int _blockLength;

    public JournalLineReader(string path)
    {
        _path = path;
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
    }

    /// <summary>The line that starts at <paramref name="offset"/>, without its newline.</summary>
    /// <exception cref="DataException">The file ends before the line does (it changed since it was read).</exception>
    public string LineAt(long offset)
    {
        var start = (int)Math.Min(offset - _blockOffset, int.MaxValue);
        var newline = offset >= _blockOffset && start < _blockLength ? Array.IndexOf(_block, (byte)'\n', start, _blockLength - start) : -1;
        if (newline < 0)
        {
            newline = Load(offset);
            start = 0;
        }

        return JournalLines.Decode(_block, start, newline - start);
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();

    /// <summary>Reads the block that starts at <paramref name="offset"/>, growing it until it holds the whole line; returns the newline's position.</summary>
    private int Load(long offset)
    {
        _blockOffset = offset;
        _blockLength = 0;
        while (true)
        {
            var read = RandomAccess.Read(_file, _block.AsSpan(_blockLength), offset + _blockLength);
            var newline = Array.IndexOf(_block, (byte)'\n', _blockLength, read);
            _blockLength += read;
            if (newline >= 0)
            {
                return newline;
            }

            if (read == 0)
            {
                throw new DataException($"'{_path}' ends inside the line at byte {offset}; the journal changed while the scan's outputs were written.");
            }

            if (_blockLength == _block.Length)
            {
                Array.Resize(ref _block, _block.Length * 2);
            }
        }
    }
}
