namespace OnnxCd.Runtime;

/// <summary>
/// A setting of the library that a message points to: the option, property or parameter that sets
/// it. Messages keep settings as values (<see cref="ISettingMessage"/>), so each front end names
/// them its own way; the command line shows its flag.
/// </summary>
/// <param name="Name">The setting's name in the library, for example <c>CdOptions.Output</c>.</param>
public sealed record Setting(string Name)
{
    /// <summary>The matched output (CD) or the differentiated one (VJP).</summary>
    public static readonly Setting Output = new("CdOptions.Output");

    /// <summary>The CD-F feature tensor.</summary>
    public static readonly Setting Feature = new("CdOptions.Feature");

    /// <summary>The per-channel mean and standard deviation applied inside the graph.</summary>
    public static readonly Setting Normalisation = new("CdOptions.Mean/Std");

    /// <summary>The optimisation steps.</summary>
    public static readonly Setting Steps = new("CdOptions.Steps");

    /// <summary>Adam's learning rate.</summary>
    public static readonly Setting LearningRate = new("CdOptions.LearningRate");

    /// <summary>The weight of the mask's L1 norm.</summary>
    public static readonly Setting Alpha = new("CdOptions.Alpha");

    /// <summary>The weight of the mask's total variation.</summary>
    public static readonly Setting Beta = new("CdOptions.Beta");

    /// <summary>Adam's β₁.</summary>
    public static readonly Setting Beta1 = new("CdOptions.Beta1");

    /// <summary>Adam's β₂.</summary>
    public static readonly Setting Beta2 = new("CdOptions.Beta2");

    /// <summary>Adam's ε.</summary>
    public static readonly Setting Epsilon = new("CdOptions.Epsilon");

    /// <summary>The per-channel mean.</summary>
    public static readonly Setting Mean = new("CdOptions.Mean");

    /// <summary>The per-channel standard deviation.</summary>
    public static readonly Setting Std = new("CdOptions.Std");

    /// <summary>The spatial size [H, W] for a model whose input size is symbolic.</summary>
    public static readonly Setting InputSize = new("ScanSettings.InputSize");

    /// <summary>The most memory the shape probe may hold.</summary>
    public static readonly Setting ProbeMemory = new("ExecutionOptions.ProbeMemory");

    /// <summary>Continuing the scan a folder holds.</summary>
    public static readonly Setting Resume = new("ScanSettings.Resume");

    /// <summary>The folder a scan or a run writes to.</summary>
    public static readonly Setting OutputFolder = new("Scanner.Scan's folder");

    /// <summary>The threshold rule.</summary>
    public static readonly Setting Threshold = new("ScanSettings.Threshold");

    /// <summary>The threshold rule's parameter (k, or the quantile q).</summary>
    public static readonly Setting ThresholdParameter = new("ThresholdRule.Parameter");

    /// <summary>The clean reference set of the reference rule.</summary>
    public static readonly Setting Reference = new("ScanSettings.Reference");

    /// <summary>Whether the scan splits each class's penultimate features.</summary>
    public static readonly Setting FeatureSplit = new("ScanSettings.FeatureSplit");

    /// <summary>The detectors a scan scores its samples with.</summary>
    public static readonly Setting Detectors = new("ScanSettings.Detectors");

    /// <summary>The images STRIP superimposes on each sample.</summary>
    public static readonly Setting StripOverlays = new("ScanSettings.StripOverlays");

    /// <summary>How the truth file is read.</summary>
    public static readonly Setting TruthKind = new("ScanSettings.TruthKind");

    /// <summary>The labels file of npy and idx data.</summary>
    public static readonly Setting Labels = new("ScanSettings.Labels");

    /// <summary>The dataset format.</summary>
    public static readonly Setting Format = new("ScanSettings.Format");

    /// <summary>The sessions per device.</summary>
    public static readonly Setting Sessions = new("ScanSettings.Sessions");

    /// <summary>The slice of the dataset one shard scans.</summary>
    public static readonly Setting Shard = new("ScanSettings.Shard");

    /// <summary>How masks become suspicion.</summary>
    public static readonly Setting Suspicion = new("ScanSettings.Suspicion");

    /// <summary>Keeps <paramref name="text"/> as a format and its values, settings among them (for <see cref="ISettingMessage"/> exceptions).</summary>
    public static FormattableString Message(FormattableString text) => text;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
