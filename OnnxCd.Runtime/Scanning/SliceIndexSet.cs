using System.Collections;

namespace OnnxCd.Runtime.Scanning;

/// <summary>A set of dataset indices within one slice, one bit each: what a resumed scan has done.</summary>
public sealed class SliceIndexSet
{
    private readonly BitArray _bits;
    private readonly long _start;

    /// <summary>An empty set over [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public SliceIndexSet(long start, long end)
    {
        _start = start;
        _bits = new BitArray(checked((int)(end - start)));
    }

    /// <summary>How many indices the set holds.</summary>
    public long Count { get; private set; }

    /// <summary>Adds <paramref name="index"/> when it lies in the slice; indices outside it are ignored.</summary>
    public void Add(long index)
    {
        if (index >= _start && index - _start < _bits.Length && !_bits[(int)(index - _start)])
        {
            _bits[(int)(index - _start)] = true;
            Count++;
        }
    }

    /// <summary>Whether the set holds <paramref name="index"/>.</summary>
    public bool Contains(long index) => index >= _start && index - _start < _bits.Length && _bits[(int)(index - _start)];
}
