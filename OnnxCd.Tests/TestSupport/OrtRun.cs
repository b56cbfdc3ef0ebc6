using OnnxCd.Runtime.Execution;
using Microsoft.ML.OnnxRuntime;
using OnnxCd.Runtime.Graph;
using DataType = Onnx.TensorProto.Types.DataType;

namespace OnnxCd.Tests.TestSupport;

/// <summary>Runs a model on the CPU provider with double-valued host arrays converted to the model's types.</summary>
internal sealed class OrtRun : IDisposable
{
    private readonly InferenceSession _session;

    public OrtRun(OnnxModel model)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _session = new InferenceSession(model.ToBytes(), options);
    }

    /// <summary>A session on the device of <paramref name="execution"/>, as OnnxCd creates them.</summary>
    public OrtRun(OnnxModel model, ExecutionOptions execution) =>
        _session = SessionFactory.Create(model.ToBytes(), execution, model.Description).Session;

    public Dictionary<string, (double[] Values, long[] Dims)> Run(IReadOnlyDictionary<string, (double[] Values, long[] Dims, DataType Type)> inputs, IReadOnlyList<string> outputs)
    {
        var values = inputs.Select(kv => Create(kv.Value.Values, kv.Value.Dims, kv.Value.Type)).ToList();
        try
        {
            using var results = _session.Run(new RunOptions(), inputs.Keys.ToArray(), values, outputs.ToArray());
            var read = new Dictionary<string, (double[], long[])>(StringComparer.Ordinal);
            for (var i = 0; i < outputs.Count; i++)
            {
                read[outputs[i]] = (Read(results[i]), results[i].GetTensorTypeAndShape().Shape);
            }

            return read;
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    public void Dispose() => _session.Dispose();

    private static OrtValue Create(double[] values, long[] dims, DataType type) => type switch
    {
        DataType.Float => OrtValue.CreateTensorValueFromMemory(values.Select(v => (float)v).ToArray(), dims),
        DataType.Double => OrtValue.CreateTensorValueFromMemory(values.ToArray(), dims),
        DataType.Int64 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (long)v).ToArray(), dims),
        DataType.Bool => OrtValue.CreateTensorValueFromMemory(values.Select(v => v != 0).ToArray(), dims),
        _ => throw new NotSupportedException(type.ToString()),
    };

    private static double[] Read(OrtValue value)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        return type switch
        {
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray().Select(v => (double)v).ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray().Select(v => v ? 1.0 : 0.0).ToArray(),
            _ => throw new NotSupportedException(type.ToString()),
        };
    }
}
