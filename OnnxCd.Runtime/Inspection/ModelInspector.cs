using System.Security.Cryptography;
using Onnx;
using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Execution;
using OnnxCd.Runtime.Graph;
using OnnxCd.Runtime.Graph.Validation;

namespace OnnxCd.Runtime.Inspection;

/// <summary>Checks a model before a long scan: its interface, ops, differentiability and the CD-F feature tensor.</summary>
public static class ModelInspector
{
    /// <summary>Inspects the model at <paramref name="path"/>.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="inputSize">Spatial size (for example [H, W]) for inputs whose spatial dimensions are symbolic; null to use the declared sizes.</param>
    /// <param name="probeMemory">The most bytes the shape probe may hold (<see cref="ModelProbe.Run"/>); beyond it the shapes are reported unknown, with the reason.</param>
    /// <exception cref="ModelException">The file cannot be read as an ONNX model.</exception>
    public static ModelReport Inspect(string path, long[]? inputSize = null, long probeMemory = ModelProbe.DefaultMemoryLimit)
    {
        var model = OnnxModel.Load(path);
        var signature = ModelSignature.Of(model);
        var graph = model.Proto.Graph;
        var warnings = new List<string>();
        TensorShapes? shapes = null;
        string shapeSource;
        ModelException? shapeError = null;
        try
        {
            shapes = ModelProbe.Run(model, signature.ConcreteInputDims(inputSize), probeMemory);
            shapeSource = shapes.Source;
        }
        catch (ModelException e)
        {
            shapeSource = "unknown: " + e.Message;
            shapeError = e;
        }

        var report = new ModelReport
        {
            Path = path,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))),
            IrVersion = model.SourceIrVersion,
            Opset = model.SourceOpset,
            LiftChanges = model.LiftChanges,
            Producer = $"{model.Proto.ProducerName} {model.Proto.ProducerVersion}".Trim(),
            Inputs = graph.Input.Select(i => Summarise(i, shapes)).ToList(),
            Outputs = graph.Output.Select(o => Summarise(o, shapes)).ToList(),
            BatchAxisDynamic = signature.BatchIsDynamic,
            OpHistogram = graph.Node.GroupBy(n => n.Domain is "" or "ai.onnx" ? n.OpType : $"{n.Domain}.{n.OpType}")
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            NodeCount = graph.Node.Count,
            Shapes = shapeSource,
            ShapesUnknownBecause = shapeError,
            SoftmaxOutputs = SoftmaxOutputs(model),
            TrainingModeBatchNorms = signature.TrainingModeBatchNorms,
            Metadata = model.Proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value),
        };

        if (!report.BatchAxisDynamic)
        {
            warnings.Add("The batch axis is fixed: OnnxCd will run in chunks of that size, padding the last one.");
        }

        foreach (var output in report.SoftmaxOutputs)
        {
            warnings.Add(SoftmaxWarning(output));
        }

        foreach (var node in report.TrainingModeBatchNorms)
        {
            warnings.Add($"BatchNormalization '{node}' is in training mode: export the model in eval mode (model.eval()).");
        }

        if (model.Opset >= 19)
        {
            warnings.Add($"Opset {model.Opset}: some ops (Pad, Equal from 19; ConstantOfShape from 20; Flatten, Identity from 21) have no CUDA kernel at this opset in ONNX Runtime 1.31 and would run on the CPU. Opset 17 is the safe choice.");
        }

        if (shapes is null)
        {
            return report with { Warnings = warnings };
        }

        var differentiable = Differentiability(model, shapes, out var gradientOpset);
        return report with
        {
            GradientOpset = gradientOpset,
            Differentiable = differentiable.Count == 0,
            UnsupportedNodes = differentiable,
            FeatureCandidate = FeatureLocator.Find(model, shapes),
            Warnings = warnings,
        };
    }

    /// <summary>The nodes that block the gradient from every float output to the first input.</summary>
    private static IReadOnlyList<GraphValidationError> Differentiability(OnnxModel model, TensorShapes shapes, out long? gradientOpset)
    {
        gradientOpset = null;
        var input = model.InputNames.FirstOrDefault(i => shapes[i].IsFloat);
        var outputs = model.OutputNames.Where(o => shapes[o].IsFloat).ToArray();
        if (input is null || outputs.Length == 0)
        {
            return [new GraphValidationError("(model)", "-", model.Opset, "the model needs a float input and a float output to be differentiated")];
        }

        gradientOpset = model.Opset;
        return GradientBuilder.Validate(model, new GradientRequest { Wrt = [input], Cotangents = outputs }, shapes);
    }

    /// <summary>The warning for an output that comes from a Softmax.</summary>
    public static string SoftmaxWarning(string output) =>
        $"Output '{output}' comes from a Softmax: CD-L matches logits; export the model without its final softmax, or expose the logits.";

    /// <summary>The outputs of <paramref name="model"/> produced by a Softmax or LogSoftmax (through reshapes and identities).</summary>
    public static IReadOnlyList<string> SoftmaxOutputs(OnnxModel model)
    {
        var index = new GraphIndex(model.Proto.Graph);
        var result = new List<string>();
        foreach (var output in model.OutputNames)
        {
            var producer = index.Producer(output);
            while (producer is { OpType: "Identity" or "Reshape" or "Flatten" or "Squeeze" })
            {
                producer = index.Producer(producer.Input[0]);
            }

            if (producer is { OpType: "Softmax" or "LogSoftmax" })
            {
                result.Add(output);
            }
        }

        return result;
    }

    private static TensorSummary Summarise(ValueInfoProto value, TensorShapes? shapes)
    {
        var type = value.Type?.TensorType;
        var declared = type?.Shape is null
            ? "unknown"
            : ValueInfos.FormatDims(value);
        var elementType = type is null ? "unknown" : ElementTypes.Name((TensorProto.Types.DataType)type.ElemType);
        return new TensorSummary(value.Name, elementType, declared, shapes?.Find(value.Name)?.Shape.ToString());
    }
}
