namespace OnnxCd.Runtime.Reporting;

/// <summary>One run that contributed to a scan, as the report lists it.</summary>
/// <param name="Provider">The execution provider that ran CD.</param>
/// <param name="Scanned">Samples the run scanned.</param>
/// <param name="Seconds">Its wall time.</param>
/// <param name="BatchSize">Images per run of the step graph.</param>
public sealed record ReportRun(string Provider, long Scanned, double Seconds, int BatchSize);
