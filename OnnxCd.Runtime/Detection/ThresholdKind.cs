
namespace OnnxCd.Runtime.Detection;

/// <summary>How the flagging threshold is derived from scores (small scores are suspicious).</summary>
public enum ThresholdKind
{
    /// <summary>mean − k·std of the scanned scores (sample std, n − 1, as torch.std in the original).</summary>
    MeanStd,

    /// <summary>median − k·MAD of the scanned scores, MAD = 1.4826·median|s − median| (consistent with std for normal data).</summary>
    MedianMad,

    /// <summary>The q-quantile of the scanned scores (linear interpolation, as numpy's default).</summary>
    Quantile,

    /// <summary>mean − k·std of a trusted clean reference set's scores (the original code's rule, cd-algorithm.md section 3.3).</summary>
    Reference,
}
