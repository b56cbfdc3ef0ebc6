namespace OnnxCd.Cli.Commands;

/// <summary>The verbs that load a model and probe its shapes before they run it.</summary>
internal interface IProbeOptions
{
    const string ProbeMemoryHelp = "The most memory the shape probe may hold (every tensor of the model at batch 2, judged from its declared sizes before it runs), e.g. 8G; a model beyond it is refused (exit 3). Default 4G.";

    string? ProbeMemory { get; }
}
