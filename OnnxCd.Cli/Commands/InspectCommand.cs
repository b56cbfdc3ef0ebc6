using System.Text.Json;
using CommandLine;
using OnnxCd.Runtime.Inspection;

namespace OnnxCd.Cli.Commands;

[Verb("inspect", HelpText = "Check a model before a scan: inputs and outputs, ops, nodes without a gradient rule, the CD-F feature tensor.")]
internal sealed class InspectOptions : CommonOptions, IProbeOptions
{
    [Value(0, MetaName = "MODEL", Required = true, HelpText = "The .onnx model.")]
    public string Model { get; set; } = string.Empty;

    [Option("json", HelpText = "Print the report as JSON.")]
    public bool Json { get; set; }

    [Option("input-size", HelpText = "HxW for models whose input has symbolic spatial dimensions.")]
    public string? InputSize { get; set; }

    [Option("probe-memory", HelpText = IProbeOptions.ProbeMemoryHelp)]
    public string? ProbeMemory { get; set; }
}

/// <summary><c>onnxcd inspect MODEL [--json]</c>: exit 0 when OnnxCd can differentiate the model, 3 when it cannot.</summary>
internal static class InspectCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static int Run(InspectOptions options, TextWriter output)
    {
        var report = ModelInspector.Inspect(options.Model, OptionParsing.InputSize(options.InputSize), OptionParsing.ProbeMemory(options));
        if (options.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, s_json));
        }
        else
        {
            WriteText(report, output);
        }

        return report.Differentiable == true ? ExitCodes.Ok : ExitCodes.ModelNotSupported;
    }

    private static void WriteText(ModelReport r, TextWriter o)
    {
        void Line(string label, string value) => o.WriteLine($"{label,-14}{value}");

        Line("Model", r.Path);
        Line("SHA-256", r.Sha256);
        Line("Format", $"IR {r.IrVersion}, opset {r.Opset}" + (r.GradientOpset is { } g ? $" (gradient graph at opset {g})" : string.Empty) + (r.Producer.Length > 0 ? $", from {r.Producer}" : string.Empty));
        for (var i = 0; i < r.LiftChanges.Count; i++)
        {
            Line(i == 0 ? "Lifted to 17" : string.Empty, r.LiftChanges[i]);
        }
        foreach (var (label, tensors) in new[] { ("Inputs", r.Inputs), ("Outputs", r.Outputs) })
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                var t = tensors[i];
                Line(i == 0 ? label : string.Empty, $"{t.Name}  {t.ElementType} {t.DeclaredShape}" + (t.ProbedShape is { } p ? $"  (probed {p})" : string.Empty));
            }
        }

        Line("Batch axis", r.BatchAxisDynamic ? "dynamic" : "fixed");
        Line("Shapes", r.ShapesUnknownBecause is { } why ? "unknown: " + SettingFlags.Message(why) : r.Shapes);
        Line($"Ops", $"{r.NodeCount} nodes: " + string.Join(", ", r.OpHistogram.Select(kv => $"{kv.Key} {kv.Value}")));
        if (r.Differentiable is null)
        {
            Line("Gradient", "not checked (shapes unknown)");
        }
        else if (r.Differentiable == true)
        {
            Line("Gradient", "supported: every node between the input and the outputs has a gradient rule");
        }
        else
        {
            Line("Gradient", $"NOT supported: {r.UnsupportedNodes.Count} node(s) cannot be differentiated:");
            foreach (var error in r.UnsupportedNodes)
            {
                Line(string.Empty, "- " + error);
            }
        }

        Line("CD-F feature", r.FeatureCandidate is { } f ? $"'{f.Name}' {f.Shape} ({f.Reason})" : "none found");
        foreach (var (key, value) in r.Metadata)
        {
            Line("Metadata", $"{key} = {value}");
        }

        foreach (var warning in r.Warnings)
        {
            Line("Warning", warning);
        }
    }
}
