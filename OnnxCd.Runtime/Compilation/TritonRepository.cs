using System.Globalization;
using System.Text;
using Onnx;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Runtime.Compilation;

/// <summary>
/// Writes a Triton Inference Server model repository for a compiled CD model:
/// <c>DIR/NAME/1/model.onnx</c> and <c>DIR/NAME/config.pbtxt</c> for the ONNX Runtime backend.
/// </summary>
public static class TritonRepository
{
    /// <summary>Writes the repository entry; returns the path of config.pbtxt.</summary>
    /// <param name="compiled">A model from <see cref="CdCompiler.Compile"/> with seed input (the noise input is not batch-major).</param>
    /// <param name="directory">The repository folder.</param>
    /// <param name="name">The model name: letters, digits, '-', '_' and '.'.</param>
    /// <param name="maxBatchSize">The largest batch Triton may form (dynamic batching); ignored when the model fixes its batch size.</param>
    /// <exception cref="ArgumentException">The name is not valid, or an input or output is not batch-major.</exception>
    public static string Write(OnnxModel compiled, string directory, string name, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name.StartsWith('.'))
        {
            throw new ArgumentException($"Triton model name '{name}' is not valid; use letters, digits, '-', '_' and '.', not starting with '.'.");
        }

        var config = Config(compiled.Proto.Graph, name, maxBatchSize, CompiledFilter.MetadataOf(compiled));
        var version = Path.Combine(directory, name, "1");
        Directory.CreateDirectory(version);
        compiled.Save(Path.Combine(version, "model.onnx"));
        var path = Path.Combine(directory, name, "config.pbtxt");
        AtomicFile.WriteAllText(path, config);
        return path;
    }

    /// <summary>The config.pbtxt text: inputs and outputs with their types and dimensions without the batch axis, and <paramref name="parameters"/> as string parameters (a compiled filter's rule).</summary>
    /// <exception cref="ArgumentException">An input or output does not have the shared batch axis first.</exception>
    public static string Config(GraphProto graph, string name, int maxBatchSize, IReadOnlyList<(string Key, string Value)>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        var values = graph.Input.Concat(graph.Output).ToList();
        var batch = FirstSymbol(values[0]);
        var batched = batch is not null;
        var offender = values.FirstOrDefault(v => ValueInfos.Symbols(v).Skip(1).Any(s => s is not null) || (batched && FirstSymbol(v) != batch) || (!batched && FirstSymbol(v) is not null));
        if (offender is not null)
        {
            throw new ArgumentException($"'{offender.Name}' {ValueInfos.FormatDims(offender)} does not have the batch axis first and only there; Triton batches every input and output along their first axis.");
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"name: \"{name}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: {(batched ? maxBatchSize : 0)}\n");
        Section(text, "input", graph.Input, batched);
        Section(text, "output", graph.Output, batched);
        if (batched)
        {
            text.Append("dynamic_batching { }\n");
        }

        foreach (var (key, value) in parameters ?? [])
        {
            text.Append(CultureInfo.InvariantCulture, $"parameters {{\n  key: \"{Escape(key)}\"\n  value: {{ string_value: \"{Escape(value)}\" }}\n}}\n");
        }

        return text.ToString();
    }

    private static void Section(StringBuilder text, string kind, IEnumerable<ValueInfoProto> values, bool batched)
    {
        var entries = values.Select(v =>
        {
            var dims = ValueInfos.DeclaredShape(v).Dims.Skip(batched ? 1 : 0).ToArray();
            var entry = new StringBuilder();
            entry.Append(CultureInfo.InvariantCulture, $"  {{\n    name: \"{v.Name}\"\n    data_type: {TritonType(v)}\n");

            // A per-image scalar ([N] in the model) is declared as [1] and reshaped to [], as Triton requires non-empty dims.
            entry.Append(dims.Length == 0 ? "    dims: [ 1 ]\n    reshape: { shape: [ ] }\n" : $"    dims: [ {string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture)))} ]\n");
            return entry.Append("  }").ToString();
        });
        text.Append(CultureInfo.InvariantCulture, $"{kind} [\n{string.Join(",\n", entries)}\n]\n");
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string? FirstSymbol(ValueInfoProto value) => ValueInfos.Symbols(value).FirstOrDefault();

    private static string TritonType(ValueInfoProto value) => (DataType)value.Type.TensorType.ElemType switch
    {
        DataType.Float => "TYPE_FP32",
        DataType.Int64 => "TYPE_INT64",
        DataType.Float16 => "TYPE_FP16",
        DataType.Double => "TYPE_FP64",
        DataType.Int32 => "TYPE_INT32",
        DataType.Bool => "TYPE_BOOL",
        var other => throw new ArgumentException($"'{value.Name}' has element type {ElementTypes.Name(other)}, which the Triton config writer does not map."),
    };
}
