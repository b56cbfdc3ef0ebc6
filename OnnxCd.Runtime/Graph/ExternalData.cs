using Google.Protobuf;
using Onnx;

namespace OnnxCd.Runtime.Graph;

/// <summary>Reads initializers stored as ONNX external data into the model, so it can be edited and run from memory.</summary>
internal static class ExternalData
{
    /// <summary>Replaces every external initializer of <paramref name="graph"/> by its bytes read from <paramref name="directory"/>.</summary>
    public static void Inline(GraphProto graph, string directory, string modelPath)
    {
        foreach (var tensor in graph.Initializer)
        {
            if (tensor.DataLocation != TensorProto.Types.DataLocation.External)
            {
                continue;
            }

            var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            if (!entries.TryGetValue("location", out var location) || location.Length == 0)
            {
                throw new ModelException($"Initializer '{tensor.Name}' of '{modelPath}' is stored externally but names no location.");
            }

            var file = Path.GetFullPath(Path.Combine(directory, location));
            if (Path.IsPathRooted(location) || !file.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ModelException($"Initializer '{tensor.Name}' of '{modelPath}' points outside the model's folder ('{location}'); external data must lie next to the model.");
            }

            if (!File.Exists(file))
            {
                throw new ModelException($"External data file '{location}' for initializer '{tensor.Name}' of '{modelPath}' is missing: expected at '{file}'.");
            }

            long offset = entries.TryGetValue("offset", out var o) ? long.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : 0;
            using var stream = File.OpenRead(file);
            long length = entries.TryGetValue("length", out var l) ? long.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : stream.Length - offset;
            if (offset < 0 || length < 0 || offset + length > stream.Length)
            {
                throw new ModelException($"External data file '{location}' is {stream.Length} bytes, too short for initializer '{tensor.Name}' (offset {offset}, length {length}).");
            }

            var bytes = new byte[length];
            stream.Position = offset;
            stream.ReadExactly(bytes);
            tensor.RawData = ByteString.CopyFrom(bytes);
            tensor.ExternalData.Clear();
            tensor.DataLocation = TensorProto.Types.DataLocation.Default;
        }
    }
}
