
namespace OnnxCd.Runtime.Scanning;

/// <summary>One run of the scanner over a folder (several after a resume, one per shard after a merge).</summary>
/// <param name="Provider">The execution provider that ran CD.</param>
/// <param name="Scanned">Samples this run scanned.</param>
/// <param name="Seconds">Its wall time, graph building included.</param>
/// <param name="BatchSize">Images per run.</param>
public sealed record ScanRun(string Provider, long Scanned, double Seconds, int BatchSize);
