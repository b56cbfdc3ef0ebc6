namespace OnnxCd.Runtime.Execution;

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

        throw new SettingException($"Unknown device '{text}'; valid values are auto, cpu, cuda and cuda:<index> (for example cuda:1).");
    }

    /// <summary>
    /// Parses one device, or a list of CUDA devices for one session each: <c>cuda:0,1</c> (or
    /// <c>cuda:0,cuda:1</c>) gives one spec per GPU.
    /// </summary>
    /// <exception cref="ArgumentException">An entry is not a device, a list names something other than CUDA devices, or a device twice.</exception>
    public static IReadOnlyList<DeviceSpec> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 1)
        {
            return [Parse(text)];
        }

        var specs = parts.Select((part, i) => i > 0 && part.Length > 0 && part.All(char.IsAsciiDigit) ? Parse("cuda:" + part) : Parse(part)).ToList();
        if (specs.Any(s => s.Kind != DeviceKind.Cuda))
        {
            throw new SettingException($"The device list '{text}' names more than CUDA devices; a list gives one session per GPU, for example cuda:0,1 (for several CPU sessions use {Setting.Sessions}).");
        }

        if (specs.GroupBy(s => s.DeviceId).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new SettingException($"The device list '{text}' names cuda:{twice.Key} twice; for several sessions on one GPU use {Setting.Sessions}.");
        }

        return specs;
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        DeviceKind.Cuda => $"cuda:{DeviceId}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
