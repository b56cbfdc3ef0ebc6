
namespace OnnxCd.Runtime.Detection;

/// <summary>How the flagging threshold is derived from suspicion scores (larger = more suspicious).</summary>
public enum ThresholdKind
{
    /// <summary>mean + k·std of the scanned suspicion (sample std, n − 1, as torch.std in the original).</summary>
    MeanStd,

    /// <summary>median + k·MAD of the scanned suspicion, MAD = 1.4826·median|s − median| (consistent with std for normal data).</summary>
    MedianMad,

    /// <summary>The top q of the scanned suspicion: its (1 − q)-quantile (linear interpolation, as numpy's default).</summary>
    Quantile,

    /// <summary>mean + k·std of a trusted clean reference set's suspicion (the original code's rule on −L1, cd-algorithm.md section 3.3).</summary>
    Reference,
}
