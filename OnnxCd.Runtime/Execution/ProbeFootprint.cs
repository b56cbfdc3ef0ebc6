using System.Globalization;
using Microsoft.ML.OnnxRuntime;

using OnnxCd.Runtime.Graph;

namespace OnnxCd.Runtime.Execution;

/// <summary>
/// What a shape probe run would hold at one batch size: every input and every exposed tensor,
/// sized from the shapes ONNX Runtime infers when it loads the probe model (ONNX shape inference
/// from the declared sizes and the attributes), before anything runs.
/// </summary>
/// <param name="Bytes">The bytes of every tensor whose size inference determined.</param>
/// <param name="Counted">How many tensors are counted in <paramref name="Bytes"/>.</param>
/// <param name="Unsized">How many tensors have a size that depends on values (data-dependent shapes): not counted.</param>
/// <param name="Largest">The largest counted tensor, its dimensions and bytes.</param>
internal sealed record ProbeFootprint(double Bytes, int Counted, int Unsized, (string Name, long[] Dims, double Bytes) Largest)
{
    /// <summary>ONNX Runtime reports sizes as 32-bit integers; a size of 2³¹ or more arrives wrapped below −1.</summary>
    private const long Wrap = 1L << 32;

    /// <summary>Sizes the tensors of <paramref name="session"/> at <paramref name="batch"/>, where a dimension named in <paramref name="batchSymbols"/> is the batch axis.</summary>
    public static ProbeFootprint Of(InferenceSession session, IReadOnlySet<string> batchSymbols, long batch)
    {
        var unsized = 0;
        var largest = (Name: string.Empty, Dims: Array.Empty<long>(), Bytes: 0.0);
        var total = 0.0;
        var counted = 0;
        foreach (var (name, metadata) in session.InputMetadata.Concat(session.OutputMetadata))
        {
            var elementBytes = metadata.IsTensor ? ElementTypes.Bytes(OrtElementTypes.ToOnnx(metadata.ElementDataType)) : 0;
            if (elementBytes == 0 || Dims(metadata, batchSymbols, batch) is not { } dims)
            {
                unsized++;
                continue;
            }

            var bytes = dims.Aggregate((double)elementBytes, (a, d) => a * d);
            total += bytes;
            counted++;
            if (bytes > largest.Bytes)
            {
                largest = (name, dims, bytes);
            }
        }

        return new ProbeFootprint(total, counted, unsized, largest);
    }

    /// <summary>"29.8 GiB" and so on, for messages.</summary>
    public static string FormatBytes(double bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 20):0.#} MiB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:0} bytes"),
    };

    /// <summary>The dimensions at <paramref name="batch"/>, or null when a size is only known at run time.</summary>
    private static long[]? Dims(NodeMetadata metadata, IReadOnlySet<string> batchSymbols, long batch)
    {
        var dims = new long[metadata.Dimensions.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            var size = metadata.Dimensions[i];
            var symbol = metadata.SymbolicDimensions[i];
            dims[i] = size >= 0 ? size
                : !string.IsNullOrEmpty(symbol) && batchSymbols.Contains(symbol) ? batch
                : size < -1 ? size + Wrap
                : -1;
            if (dims[i] < 0)
            {
                return null;
            }
        }

        return dims;
    }
}
