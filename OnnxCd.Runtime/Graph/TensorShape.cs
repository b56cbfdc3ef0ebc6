namespace OnnxCd.Runtime.Graph;

/// <summary>
/// The shape of a tensor as OnnxCd knows it at graph-build time: every dimension is a fixed size,
/// or <see cref="Dynamic"/> (the batch axis, or a size that follows it).
/// </summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    /// <summary>The marker of a dimension whose size is only known at run time.</summary>
    public const long Dynamic = -1;

    private readonly long[] _dims;

    /// <summary>Creates a shape; use <see cref="Dynamic"/> for run-time sizes.</summary>
    public TensorShape(IEnumerable<long> dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        _dims = dims.ToArray();
        foreach (var d in _dims)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, Dynamic);
        }
    }

    /// <summary>The dimensions, with <see cref="Dynamic"/> for run-time sizes.</summary>
    public IReadOnlyList<long> Dims => _dims;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>Whether every dimension is fixed.</summary>
    public bool IsStatic => !_dims.Contains(Dynamic);

    /// <summary>How many dimensions are dynamic.</summary>
    public int DynamicCount => _dims.Count(d => d == Dynamic);

    /// <summary>The number of elements; only for static shapes.</summary>
    public long ElementCount => IsStatic
        ? _dims.Aggregate(1L, (a, b) => a * b)
        : throw new InvalidOperationException($"Shape {this} has dynamic dimensions and no fixed element count.");

    /// <summary>The size of dimension <paramref name="axis"/> (may be <see cref="Dynamic"/>).</summary>
    public long this[int axis] => _dims[axis];

    /// <summary>The size of dimension <paramref name="axis"/>, counted from the end with <c>^k</c>.</summary>
    public long this[Index axis] => _dims[axis];

    /// <summary>The dimensions as an array (a copy).</summary>
    public long[] ToArray() => (long[])_dims.Clone();

    /// <summary>Whether dimension <paramref name="axis"/> is dynamic.</summary>
    public bool IsDynamic(int axis) => _dims[axis] == Dynamic;

    /// <summary>Normalises a possibly negative axis against this shape's rank.</summary>
    public int Axis(long axis)
    {
        var a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} is out of range for shape {this} (rank {Rank}).");
        }

        return (int)a;
    }

    /// <summary>The numpy-style broadcast of two shapes (a dynamic dimension broadcast with 1 stays dynamic).</summary>
    public static TensorShape Broadcast(TensorShape a, TensorShape b)
    {
        var rank = Math.Max(a.Rank, b.Rank);
        var dims = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Rank) >= 0 ? a[i - (rank - a.Rank)] : 1;
            var db = i - (rank - b.Rank) >= 0 ? b[i - (rank - b.Rank)] : 1;
            dims[i] = da == 1 ? db : db == 1 ? da : da == db ? da : Dynamic;
        }

        return new TensorShape(dims);
    }

    /// <summary>Formats as <c>[?,3,32,32]</c>, with <c>?</c> for dynamic dimensions.</summary>
    public override string ToString() => Format(_dims);

    /// <summary>Formats any dimension list as <c>[1,3,32,32]</c> (negative sizes print as <c>?</c>).</summary>
    public static string Format(IEnumerable<long> dims) => "[" + string.Join(",", dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    /// <inheritdoc/>
    public bool Equals(TensorShape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in _dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }
}
