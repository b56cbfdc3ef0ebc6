using Onnx;

namespace OnnxCd.Runtime.Graph.Opsets;

/// <summary>
/// Rewrites one node from the form an older opset gave its op to the form of <see cref="OpsetLift.Target"/>,
/// keeping what it computes; returns the nodes that take its place (the node itself, edited, among them).
/// </summary>
internal delegate IEnumerable<NodeProto> NodeTranslation(NodeProto node, LiftContext context);
