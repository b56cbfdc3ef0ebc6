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
        : this(model.ToBytes())
    {
    }

    /// <summary>A session on serialized model bytes, as written (OnnxCd's loading, and its lift of old opsets, bypassed).</summary>
    public OrtRun(byte[] model)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        _session = new InferenceSession(model, options);
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
        DataType.Int32 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (int)v).ToArray(), dims),
        DataType.Int16 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (short)v).ToArray(), dims),
        DataType.Int8 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (sbyte)v).ToArray(), dims),
        DataType.Uint8 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (byte)v).ToArray(), dims),
        DataType.Uint16 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (ushort)v).ToArray(), dims),
        DataType.Uint32 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (uint)v).ToArray(), dims),
        DataType.Uint64 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (ulong)v).ToArray(), dims),
        DataType.Float16 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (Float16)(float)v).ToArray(), dims),
        _ => throw new NotSupportedException($"tensors of type {type}"),
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
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray().Select(v => (double)v).ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int16 => value.GetTensorDataAsSpan<short>().ToArray().Select(v => (double)v).ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int8 => value.GetTensorDataAsSpan<sbyte>().ToArray().Select(v => (double)v).ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.UInt8 => value.GetTensorDataAsSpan<byte>().ToArray().Select(v => (double)v).ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.UInt16 => value.GetTensorDataAsSpan<ushort>().ToArray().Select(v => (double)v).ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.UInt32 => value.GetTensorDataAsSpan<uint>().ToArray().Select(v => (double)v).ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.UInt64 => value.GetTensorDataAsSpan<ulong>().ToArray().Select(v => (double)v).ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float16 => value.GetTensorDataAsSpan<Float16>().ToArray().Select(v => (double)(float)v).ToArray(),
            _ => throw new NotSupportedException($"tensors of type {type}"),
        };
    }
}
