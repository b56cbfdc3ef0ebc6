using Google.Protobuf;
using Onnx;
using OnnxCd.Runtime.Graph.Opsets;

namespace OnnxCd.Runtime.Graph;

/// <summary>
/// An ONNX model held in memory: loading with clear errors, external data inlined, initializers
/// removed from the graph inputs, models older than opset 17 lifted to it (<see cref="SourceOpset"/>
/// keeps what the file declared), and saving. Transforms in OnnxCd never mutate an instance they
/// are given; they work on a <see cref="Clone"/>.
/// </summary>
public sealed class OnnxModel
{
    private OnnxModel(ModelProto proto, string description, (long IrVersion, long Opset)? source = null, IReadOnlyList<string>? liftChanges = null)
    {
        Proto = proto;
        Description = description;
        SourceOpset = source?.Opset ?? Opset;
        SourceIrVersion = source?.IrVersion ?? proto.IrVersion;
        LiftChanges = liftChanges ?? [];
    }

    /// <summary>Where the model came from (its path, or a description for in-memory models).</summary>
    public string Description { get; }

    /// <summary>The opset version of the default ONNX domain (17 or newer: older models are lifted when loaded).</summary>
    public long Opset => OpsetOf(Proto, Description);

    /// <summary>The default-domain opset the file declared, before any lift.</summary>
    public long SourceOpset { get; }

    /// <summary>The IR version the file declared (a lift raises it to 8 at least).</summary>
    public long SourceIrVersion { get; }

    /// <summary>What the lift from <see cref="SourceOpset"/> translated, one line per kind of node; empty when nothing was.</summary>
    public IReadOnlyList<string> LiftChanges { get; }

    /// <summary>The names of the graph inputs that are not initializers (what a caller feeds).</summary>
    public IReadOnlyList<string> InputNames => Proto.Graph.Input.Select(i => i.Name).ToArray();

    /// <summary>The names of the graph outputs.</summary>
    public IReadOnlyList<string> OutputNames => Proto.Graph.Output.Select(o => o.Name).ToArray();

    /// <summary>The model's metadata_props (for example normalisation written by an export tool).</summary>
    public IReadOnlyDictionary<string, string> Metadata => Proto.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    /// <summary>The declared shape of the first input, −1 for symbolic dimensions; null when it declares none.</summary>
    public long[]? DeclaredInputShape => Proto.Graph.Input.FirstOrDefault() is { Type.TensorType.Shape: not null } input
        ? ValueInfos.DeclaredShape(input).Dims.ToArray()
        : null;

    internal ModelProto Proto { get; }

    /// <summary>Loads a model file, inlining any external data stored next to it.</summary>
    /// <exception cref="ModelException">The file is missing, not ONNX, truncated, or its external data is missing.</exception>
    public static OnnxModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new ModelException($"Model path '{path}' is a directory; give the .onnx file.");
        }

        if (!File.Exists(path))
        {
            throw new ModelException($"Model file '{path}' does not exist.");
        }

        var model = Parse(File.ReadAllBytes(path), path);
        ExternalData.Inline(model.Proto.Graph, Path.GetDirectoryName(Path.GetFullPath(path))!, path);
        return model;
    }

    /// <summary>Reads a model from serialized bytes; <paramref name="description"/> names it in messages.</summary>
    /// <exception cref="ModelException">The bytes are not an ONNX model.</exception>
    public static OnnxModel FromBytes(byte[] bytes, string description)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Parse(bytes, description);
    }

    /// <summary>Serializes the model, for example to create an ONNX Runtime session from memory.</summary>
    public byte[] ToBytes() => Proto.ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/> (written to a temporary file, then renamed).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, ToBytes());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A deep copy that can be edited without touching this model.</summary>
    public OnnxModel Clone() => new(Proto.Clone(), Description, (SourceIrVersion, SourceOpset), LiftChanges);

    internal static OnnxModel Wrap(ModelProto proto, string description) => new(proto, description);

    internal static long OpsetOf(ModelProto proto, string description)
    {
        foreach (var import in proto.OpsetImport)
        {
            if (import.Domain is "" or "ai.onnx")
            {
                return import.Version;
            }
        }

        throw new ModelException($"Model '{description}' imports no version of the default ONNX domain (opset_import is missing).");
    }

    private static OnnxModel Parse(byte[] bytes, string description)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelException($"'{description}' is not a valid ONNX model (truncated or not protobuf): {e.Message}", e);
        }

        if (proto.Graph is null || proto.Graph.Node.Count == 0 || proto.OpsetImport.Count == 0)
        {
            throw new ModelException($"'{description}' is not an ONNX model: it has no graph nodes or no opset_import.");
        }

        proto.Graph.RemoveInitializersFromInputs();
        var source = (proto.IrVersion, OpsetOf(proto, description));
        var changes = OpsetLift.Apply(proto, description);
        return new OnnxModel(proto, description, source, changes);
    }
}
