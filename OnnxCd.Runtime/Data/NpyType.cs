namespace OnnxCd.Runtime.Data;

/// <summary>The element types OnnxCd reads from and writes to <c>.npy</c> files.</summary>
public enum NpyType
{
    /// <summary>Little-endian float32 (<c>&lt;f4</c>).</summary>
    Float32,

    /// <summary>Unsigned bytes (<c>|u1</c>), images scaled by 1/255 when used as model input.</summary>
    UInt8,

    /// <summary>Little-endian int64 (<c>&lt;i8</c>), for labels and index lists.</summary>
    Int64,

    /// <summary>Little-endian int32 (<c>&lt;i4</c>), for labels and index lists.</summary>
    Int32,

    /// <summary>Booleans (<c>|b1</c>), for indicator arrays.</summary>
    Bool,
}
