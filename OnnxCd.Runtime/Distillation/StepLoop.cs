using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace OnnxCd.Runtime.Distillation;

/// <summary>
/// Runs the CD step graph for one batch size. Every buffer is allocated once: the images and
/// targets, the initial state (θ₀, m₀ = 0, v₀ = 0), two sets of (θ, m, v) that the steps ping-pong
/// between, the per-sample loss, the noise and the two scalars. The two sets and the loss of the
/// steps before the last live where the step graph runs (the GPU's memory on CUDA), so the state
/// never crosses to the host between steps: three IOBindings are made once, one reading the
/// initial state and writing set 1, and one per set reading it and writing the other. The last step
/// writes θ and the loss to host buffers instead. A provider on another device copies host inputs
/// when they are bound, so there the images and targets are bound again for each batch and the
/// noise and scalars before each step; on the CPU a step only refills their buffers.
/// </summary>
internal sealed class StepLoop : IDisposable
{
    private readonly InferenceSession _session;
    private readonly CdNames _names;
    private readonly OrtIoBinding _first;
    private readonly OrtIoBinding[] _bindings;
    private readonly bool _rebindHostInputs;
    private readonly RunOptions _runOptions = new();
    private readonly List<IDisposable> _owned = [];
    private readonly float[] _theta;
    private readonly float[] _loss;
    private readonly float[] _noise;
    private readonly float[] _initialTheta;
    private readonly float[] _negStepSize = new float[1];
    private readonly float[] _correction = new float[1];
    private readonly (OrtValue Theta, OrtValue M, OrtValue V)[] _sets;
    private readonly OrtValue _imageValue, _targetValue, _thetaValue, _lossValue, _stepLossValue, _noiseValue, _negStepValue, _correctionValue, _initialThetaValue;

    /// <summary>Allocates the buffers and binds them.</summary>
    /// <param name="session">The step graph's session.</param>
    /// <param name="names">The step graph's input and output names.</param>
    /// <param name="batch">Samples per run.</param>
    /// <param name="imageDims">The images' dimensions; the batch is taken from <paramref name="batch"/>.</param>
    /// <param name="targetDims">The reference outputs' dimensions for this batch.</param>
    /// <param name="deviceMemory">Where the state lives when the session runs on another device than the CPU (its host inputs are then bound again before they change); null on the CPU.</param>
    public StepLoop(InferenceSession session, CdNames names, int batch, long[] imageDims, long[] targetDims, OrtMemoryInfo? deviceMemory)
    {
        _rebindHostInputs = deviceMemory is not null;
        _session = session;
        _names = names;
        Batch = batch;
        long channels = imageDims[1], height = imageDims[2], width = imageDims[3];
        var maskDims = new long[] { batch, 1, height, width };
        var maskSize = (int)(batch * height * width);
        Images = new float[batch * channels * height * width];
        Targets = new float[batch * targetDims.Skip(1).Aggregate(1L, (a, b) => a * b)];
        _theta = new float[maskSize];
        _initialTheta = new float[maskSize];
        _loss = new float[batch];
        _noise = new float[batch * channels];
        var allocator = Own(new OrtAllocator(session, deviceMemory ?? OrtMemoryInfo.DefaultInstance));
        OrtValue OnDevice(long[] dims) => Own(OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, dims));
        _sets = [(OnDevice(maskDims), OnDevice(maskDims), OnDevice(maskDims)), (OnDevice(maskDims), OnDevice(maskDims), OnDevice(maskDims))];
        _stepLossValue = OnDevice([batch]);
        _imageValue = Own(OrtValue.CreateTensorValueFromMemory(Images, [batch, channels, height, width]));
        _targetValue = Own(OrtValue.CreateTensorValueFromMemory(Targets, [batch, .. targetDims.Skip(1)]));
        _thetaValue = Own(OrtValue.CreateTensorValueFromMemory(_theta, maskDims));
        _initialThetaValue = Own(OrtValue.CreateTensorValueFromMemory(_initialTheta, maskDims));
        _lossValue = Own(OrtValue.CreateTensorValueFromMemory(_loss, [batch]));
        _noiseValue = Own(OrtValue.CreateTensorValueFromMemory(_noise, [batch, channels, 1, 1]));
        _negStepValue = Own(OrtValue.CreateTensorValueFromMemory(_negStepSize, []));
        _correctionValue = Own(OrtValue.CreateTensorValueFromMemory(_correction, []));
        var zeros = Own(OrtValue.CreateTensorValueFromMemory(new float[maskSize], maskDims));
        _first = Bind((_initialThetaValue, zeros, zeros), _sets[1]);
        _bindings = [Bind(_sets[0], _sets[1]), Bind(_sets[1], _sets[0])];
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
        Array.Fill(_initialTheta, options.InitialTheta);
        if (_rebindHostInputs)
        {
            _first.BindInput(_names.Theta, _initialThetaValue);
            foreach (var binding in _bindings.Prepend(_first))
            {
                binding.BindInput(_names.Image, _imageValue);
                binding.BindInput(_names.Target, _targetValue);
            }
        }

        for (var step = 1; step <= options.Steps; step++)
        {
            noise.Fill(_noise, step - 1, samples, channels);
            _negStepSize[0] = (float)AdamSchedule.NegStepSize(options, step);
            _correction[0] = (float)AdamSchedule.BiasCorrection2Sqrt(options, step);
            // Step 1 reads the initial state and writes set 1; step k > 1 reads set (k - 1) mod 2 and writes the other.
            var source = (step - 1) % 2;
            var binding = step == 1 ? _first : _bindings[source];
            if (_rebindHostInputs)
            {
                binding.BindInput(_names.Noise, _noiseValue);
                binding.BindInput(_names.NegStepSize, _negStepValue);
                binding.BindInput(_names.BiasCorrection2Sqrt, _correctionValue);
            }

            if (step == options.Steps)
            {
                binding.BindOutput(_names.ThetaNext, _thetaValue);
                binding.BindOutput(_names.Loss, _lossValue);
            }

            _session.RunWithBinding(_runOptions, binding);
            if (step == options.Steps)
            {
                binding.SynchronizeBoundOutputs();
                binding.BindOutput(_names.ThetaNext, _sets[1 - source].Theta);
                binding.BindOutput(_names.Loss, _stepLossValue);
            }
        }

        return (_theta, _loss);
    }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    /// <summary>A binding that reads the state <paramref name="from"/> and writes <paramref name="to"/>, the loss to the step buffer.</summary>
    private OrtIoBinding Bind((OrtValue Theta, OrtValue M, OrtValue V) from, (OrtValue Theta, OrtValue M, OrtValue V) to)
    {
        var binding = Own(_session.CreateIoBinding());
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
        binding.BindOutput(_names.Loss, _stepLossValue);
        return binding;
    }

    private T Own<T>(T value)
        where T : IDisposable
    {
        _owned.Add(value);
        return value;
    }
}
