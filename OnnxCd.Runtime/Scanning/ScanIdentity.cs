using System.Text.Json;
using OnnxCd.Runtime.Data;
using OnnxCd.Runtime.Distillation;

namespace OnnxCd.Runtime.Scanning;

/// <summary>
/// What a scan folder holds results of: the model, the data, the slice and every setting that
/// changes a score. Written as scan.json when a scan starts; resuming refuses a folder whose
/// identity differs, and merge refuses shards that differ in anything but their slice.
/// </summary>
public sealed record ScanIdentity
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The model file as given.</summary>
    public required string Model { get; init; }

    /// <summary>SHA-256 of the model file.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>The data path, absolute.</summary>
    public required string Data { get; init; }

    /// <summary>The format read (folder, npy, idx, cifar).</summary>
    public required string Format { get; init; }

    /// <summary>The labels file, absolute, or null.</summary>
    public string? Labels { get; init; }

    /// <summary>Samples in the whole dataset.</summary>
    public required long Count { get; init; }

    /// <summary>First sample of this folder's slice.</summary>
    public required long SliceStart { get; init; }

    /// <summary>One past the last sample of this folder's slice.</summary>
    public required long SliceEnd { get; init; }

    /// <summary>The shard, "i/n", or null for a whole-dataset scan.</summary>
    public string? Shard { get; init; }

    /// <summary>The model's image size, C,H,W.</summary>
    public required int[] Image { get; init; }

    /// <summary>Every CD setting that changes a score, written out (mode, matched tensor, steps, lr, α, β, Adam, noise, normalisation).</summary>
    public required string Cd { get; init; }

    /// <summary>The per-channel mean the model's input was normalised with, or null (the feature split's forward pass needs it again).</summary>
    public IReadOnlyList<float>? Mean { get; init; }

    /// <summary>The per-channel standard deviation the model's input was normalised with, or null.</summary>
    public IReadOnlyList<float>? Std { get; init; }

    /// <summary>What the masks kept (it decides the default suspicion, <see cref="ScanSettings.SuspicionFor"/>).</summary>
    public CdMode Mode { get; init; } = CdMode.Logits;

    /// <summary>Whether float32 masks are kept in masks.npy.</summary>
    public bool SaveMasks { get; init; }

    /// <summary>The SHA-256 of a model file, as <see cref="ModelSha256"/> records it.</summary>
    public static string Sha256Of(string modelPath) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(modelPath)));

    /// <summary>The same identity for another slice.</summary>
    public ScanIdentity WithSlice(long start, long end, string? shard) => this with { SliceStart = start, SliceEnd = end, Shard = shard };

    /// <summary>Differences that make two identities incompatible, ignoring the slice; empty when compatible.</summary>
    public IReadOnlyList<string> DifferencesFrom(ScanIdentity other)
    {
        var differences = new List<string>();
        void Compare(string name, object? a, object? b)
        {
            if (!Equals(a, b))
            {
                differences.Add($"{name}: {a ?? "none"} vs {b ?? "none"}");
            }
        }

        Compare("model sha256", ModelSha256, other.ModelSha256);
        Compare("data", Data, other.Data);
        Compare("format", Format, other.Format);
        Compare("labels", Labels, other.Labels);
        Compare("samples", Count, other.Count);
        Compare("image", string.Join("×", Image), string.Join("×", other.Image));
        Compare("CD settings", Cd, other.Cd);
        Compare("save masks", SaveMasks, other.SaveMasks);
        return differences;
    }

    /// <summary>Writes scan.json in <paramref name="folder"/>.</summary>
    public void Write(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, "scan.json"), JsonSerializer.Serialize(this, s_json));

    /// <summary>Reads scan.json from <paramref name="folder"/>, or null when there is none.</summary>
    /// <exception cref="DataException">The file exists but cannot be read.</exception>
    public static ScanIdentity? Read(string folder)
    {
        var path = Path.Combine(folder, "scan.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ScanIdentity>(File.ReadAllText(path), s_json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new DataException($"'{path}' is damaged ({e.Message}); it does not describe a scan OnnxCd can resume or merge.", e);
        }
    }
}
