namespace OnnxCd.Runtime.Reporting;

/// <summary>A sample the scan could not read, as the report lists it.</summary>
/// <param name="Index">Its index in the dataset.</param>
/// <param name="Id">Its stable id.</param>
/// <param name="Reason">Why it was skipped.</param>
public sealed record ReportError(long Index, string Id, string Reason);
