namespace OnnxCd.Runtime.Scanning;

/// <summary>How far a scan has come.</summary>
/// <param name="Stage">What is running ("scan", "reference", or the CD-L runs of the mask shapes, "shape (CD-L)" and "reference shape (CD-L)"; then "detector NAME" for each detector beside CD).</param>
/// <param name="Done">Samples done in this slice (including those done before a resume and unreadable ones).</param>
/// <param name="Total">Samples in the slice.</param>
/// <param name="Errors">Unreadable samples so far.</param>
public sealed record ScanProgress(string Stage, long Done, long Total, long Errors);
