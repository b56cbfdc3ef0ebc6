using Microsoft.ML.OnnxRuntime;

namespace OnnxCd.Runtime.Distillation;

/// <summary>
/// Runs the CD step graph for one batch size. Every buffer is allocated once: the images and
/// targets, two sets of (θ, m, v) that the steps ping-pong between, the per-sample loss, the noise
/// and the two scalars; and two IOBindings are made once, one reading set A and writing set B, the
/// other the reverse. A step on the CPU provider only refills the noise and scalar buffers and runs
/// the next binding. A provider on another device copies host inputs when they are bound, so there
/// the per-step inputs are bound again before each run.
/// </summary>
internal sealed class StepLoop : IDisposable
{
    private readonly InferenceSession _session;
    private readonly CdNames _names;
    private readonly OrtIoBinding[] _bindings;
    private readonly bool _rebindHostInputs;
    private readonly RunOptions _runOptions = new();
    private readonly List<IDisposable> _owned = [];
    private readonly float[] _theta;
    private readonly float[] _loss;
    private readonly float[] _noise;
    private readonly float[] _negStepSize = new float[1];
    private readonly float[] _correction = new float[1];
    private readonly (float[] Theta, float[] M, float[] V)[] _state;
    private readonly (OrtValue Theta, OrtValue M, OrtValue V)[] _stateValues;
    private readonly OrtValue _imageValue, _targetValue, _lossValue, _noiseValue, _negStepValue, _correctionValue;

    public StepLoop(InferenceSession session, CdNames names, int batch, long[] imageDims, long[] targetDims, bool rebindHostInputs)
    {
        _rebindHostInputs = rebindHostInputs;
        _session = session;
        _names = names;
        Batch = batch;
        long channels = imageDims[1], height = imageDims[2], width = imageDims[3];
        var maskDims = new long[] { batch, 1, height, width };
        var maskSize = (int)(batch * height * width);
        Images = new float[batch * channels * height * width];
        Targets = new float[batch * targetDims.Skip(1).Aggregate(1L, (a, b) => a * b)];
        _theta = new float[maskSize];
        _loss = new float[batch];
        _noise = new float[batch * channels];
        _state = [(new float[maskSize], new float[maskSize], new float[maskSize]), (new float[maskSize], new float[maskSize], new float[maskSize])];
        _stateValues = _state.Select(s => (Own(OrtValue.CreateTensorValueFromMemory(s.Theta, maskDims)), Own(OrtValue.CreateTensorValueFromMemory(s.M, maskDims)), Own(OrtValue.CreateTensorValueFromMemory(s.V, maskDims)))).ToArray();
        _imageValue = Own(OrtValue.CreateTensorValueFromMemory(Images, [batch, channels, height, width]));
        _targetValue = Own(OrtValue.CreateTensorValueFromMemory(Targets, [batch, .. targetDims.Skip(1)]));
        _lossValue = Own(OrtValue.CreateTensorValueFromMemory(_loss, [batch]));
        _noiseValue = Own(OrtValue.CreateTensorValueFromMemory(_noise, [batch, channels, 1, 1]));
        _negStepValue = Own(OrtValue.CreateTensorValueFromMemory(_negStepSize, []));
        _correctionValue = Own(OrtValue.CreateTensorValueFromMemory(_correction, []));
        _bindings = [Bind(0), Bind(1)];
        _owned.Add(_runOptions);
    }

    /// <summary>The number of samples per run.</summary>
    public int Batch { get; }

    /// <summary>The images of the current batch, [batch,C,H,W]; the caller fills it.</summary>
    public float[] Images { get; }

    /// <summary>The reference outputs of the current batch; the caller fills it.</summary>
    public OrtValue TargetValue => _targetValue;

    /// <summary>The target buffer behind <see cref="TargetValue"/>.</summary>
    public float[] Targets { get; }

    /// <summary>The images as an OrtValue over <see cref="Images"/>.</summary>
    public OrtValue ImageValue => _imageValue;

    /// <summary>
    /// Runs every step for the current <see cref="Images"/> and <see cref="Targets"/>, drawing each
    /// sample's noise by its dataset index in <paramref name="samples"/>; returns the final θ and the
    /// last per-sample loss (views valid until the next run).
    /// </summary>
    public (float[] Theta, float[] Loss) Run(CdOptions options, NoiseSource noise, long[] samples)
    {
        var channels = _noise.Length / Batch;
        Array.Fill(_state[0].Theta, options.InitialTheta);
        Array.Clear(_state[0].M);
        Array.Clear(_state[0].V);
        if (_rebindHostInputs)
        {
            foreach (var binding in _bindings)
            {
                binding.BindInput(_names.Image, _imageValue);
                binding.BindInput(_names.Target, _targetValue);
            }
        }

        var current = 0;
        for (var step = 1; step <= options.Steps; step++)
        {
            noise.Fill(_noise, step - 1, samples, channels);
            _negStepSize[0] = (float)AdamSchedule.NegStepSize(options, step);
            _correction[0] = (float)AdamSchedule.BiasCorrection2Sqrt(options, step);
            var binding = _bindings[current];
            if (_rebindHostInputs)
            {
                binding.BindInput(_names.Noise, _noiseValue);
                binding.BindInput(_names.NegStepSize, _negStepValue);
                binding.BindInput(_names.BiasCorrection2Sqrt, _correctionValue);
            }

            _session.RunWithBinding(_runOptions, binding);
            current = 1 - current;
        }

        _bindings[1 - current].SynchronizeBoundOutputs();
        Array.Copy(_state[current].Theta, _theta, _theta.Length);
        return (_theta, _loss);
    }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    /// <summary>A binding that reads state set <paramref name="source"/> and writes the other one.</summary>
    private OrtIoBinding Bind(int source)
    {
        var binding = Own(_session.CreateIoBinding());
        var (from, to) = (_stateValues[source], _stateValues[1 - source]);
        binding.BindInput(_names.Image, _imageValue);
        binding.BindInput(_names.Target, _targetValue);
        binding.BindInput(_names.Noise, _noiseValue);
        binding.BindInput(_names.NegStepSize, _negStepValue);
        binding.BindInput(_names.BiasCorrection2Sqrt, _correctionValue);
        binding.BindInput(_names.Theta, from.Theta);
        binding.BindInput(_names.AdamM, from.M);
        binding.BindInput(_names.AdamV, from.V);
        binding.BindOutput(_names.ThetaNext, to.Theta);
        binding.BindOutput(_names.AdamMNext, to.M);
        binding.BindOutput(_names.AdamVNext, to.V);
        binding.BindOutput(_names.Loss, _lossValue);
        return binding;
    }

    private T Own<T>(T value)
        where T : IDisposable
    {
        _owned.Add(value);
        return value;
    }
}
