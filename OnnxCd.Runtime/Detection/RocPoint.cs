namespace OnnxCd.Runtime.Detection;

/// <summary>A point of the ROC curve.</summary>
/// <param name="FalsePositiveRate">FPR.</param>
/// <param name="TruePositiveRate">TPR.</param>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate);
