namespace OnnxCd.Runtime.Detection;

/// <summary>The confusion counts of a flagging rule, poisoned = positive, flagged = predicted positive.</summary>
/// <param name="TruePositives">Poisoned and flagged.</param>
/// <param name="FalsePositives">Clean and flagged.</param>
/// <param name="TrueNegatives">Clean and not flagged.</param>
/// <param name="FalseNegatives">Poisoned and not flagged.</param>
public sealed record Confusion(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    /// <summary>TP / (TP + FN).</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>TP / (TP + FP).</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>FP / (FP + TN).</summary>
    public double FalsePositiveRate => Ratio(FalsePositives, FalsePositives + TrueNegatives);

    private static double Ratio(long a, long b) => b == 0 ? double.NaN : (double)a / b;
}
