using System.Text.Json.Serialization;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Graph.Validation;

namespace OnnxCd.Runtime.Inspection;

/// <summary>What <c>onnxcd inspect</c> reports about a model before a long scan.</summary>
public sealed record ModelReport
{
    /// <summary>The model file.</summary>
    public required string Path { get; init; }

    /// <summary>SHA-256 of the model file, hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The ONNX IR version.</summary>
    public required long IrVersion { get; init; }

    /// <summary>The default-domain opset the file declares.</summary>
    public required long Opset { get; init; }

    /// <summary>What lifting the model to opset 17 translated (one line per kind of node); empty when the file is at 17 or newer, or nothing changed form.</summary>
    public IReadOnlyList<string> LiftChanges { get; init; } = [];

    /// <summary>The opset OnnxCd writes the gradient graph at.</summary>
    public long? GradientOpset { get; init; }

    /// <summary>Producer name and version.</summary>
    public required string Producer { get; init; }

    /// <summary>The graph inputs (initializers excluded).</summary>
    public required IReadOnlyList<TensorSummary> Inputs { get; init; }

    /// <summary>The graph outputs.</summary>
    public required IReadOnlyList<TensorSummary> Outputs { get; init; }

    /// <summary>Whether every input's batch axis (axis 0) is symbolic.</summary>
    public required bool BatchAxisDynamic { get; init; }

    /// <summary>Node count per op type.</summary>
    public required IReadOnlyDictionary<string, int> OpHistogram { get; init; }

    /// <summary>The total number of nodes.</summary>
    public required int NodeCount { get; init; }

    /// <summary>Where shapes came from (<c>value_info</c> or <c>probe</c>), or why they are unknown.</summary>
    public required string Shapes { get; init; }

    /// <summary>Why the shapes are unknown (the probe's error, which may point to settings), or null.</summary>
    [JsonIgnore]
    public ISettingMessage? ShapesUnknownBecause { get; init; }

    /// <summary>Whether the gradient with respect to the input can be built for every float output.</summary>
    public bool? Differentiable { get; init; }

    /// <summary>Every node on the differentiated path that has no gradient rule or cannot be differentiated.</summary>
    public IReadOnlyList<GraphValidationError> UnsupportedNodes { get; init; } = [];

    /// <summary>Outputs produced by Softmax or LogSoftmax (CD-L should match logits).</summary>
    public IReadOnlyList<string> SoftmaxOutputs { get; init; } = [];

    /// <summary>BatchNormalization nodes in training mode.</summary>
    public IReadOnlyList<string> TrainingModeBatchNorms { get; init; } = [];

    /// <summary>The candidate feature tensor for CD-F, or null.</summary>
    public FeatureCandidate? FeatureCandidate { get; init; }

    /// <summary>The model's metadata_props (for example normalisation written by the export tool).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Things a user should know before scanning with this model.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
