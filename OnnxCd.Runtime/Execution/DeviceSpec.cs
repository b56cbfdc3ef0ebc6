namespace OnnxCd.Runtime.Execution;

/// <summary>Which execution provider to run on.</summary>
public enum DeviceKind
{
    /// <summary>CUDA when its provider loads, otherwise the CPU (the choice is reported).</summary>
    Auto,

    /// <summary>The CPU provider.</summary>
    Cpu,

    /// <summary>The CUDA provider; failing to load it is an error.</summary>
    Cuda,
}

/// <summary>A device choice as written on the command line: <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:i</c>.</summary>
/// <param name="Kind">The provider choice.</param>
/// <param name="DeviceId">The CUDA device index.</param>
public sealed record DeviceSpec(DeviceKind Kind, int DeviceId = 0)
{
    /// <summary>Parses <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:i</c>.</summary>
    /// <exception cref="ArgumentException">The text is none of these.</exception>
    public static DeviceSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = text.Trim().ToLowerInvariant();
        if (lower == "auto")
        {
            return new DeviceSpec(DeviceKind.Auto);
        }

        if (lower == "cpu")
        {
            return new DeviceSpec(DeviceKind.Cpu);
        }

        if (lower == "cuda")
        {
            return new DeviceSpec(DeviceKind.Cuda);
        }

        if (lower.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(lower.AsSpan(5), out var id) && id >= 0)
        {
            return new DeviceSpec(DeviceKind.Cuda, id);
        }

        throw new ArgumentException($"Unknown device '{text}'; valid values are auto, cpu, cuda and cuda:<index> (for example cuda:1).");
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        DeviceKind.Cuda => $"cuda:{DeviceId}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
