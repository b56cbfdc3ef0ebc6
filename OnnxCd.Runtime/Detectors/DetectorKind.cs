namespace OnnxCd.Runtime.Detectors;

/// <summary>A way of scoring a scan's samples for poison (larger = more suspicious).</summary>
public enum DetectorKind
{
    /// <summary>Cognitive Distillation: the scan's own suspicion, from its masks.</summary>
    Cd,

    /// <summary>Spectral Signatures (Tran et al. 2018): the squared projection of a sample's centred penultimate features on its class's top singular vector.</summary>
    SpectralSignatures,

    /// <summary>Activation Clustering (Chen et al. 2018): 2-means of each class's projected penultimate features; the smaller cluster is suspect.</summary>
    ActivationClustering,

    /// <summary>STRIP (Gao et al. 2019): a triggered image keeps its prediction when other images are superimposed on it, so its predictions' entropy stays low.</summary>
    Strip,

    /// <summary>SCALE-UP (Guo et al. 2023): a triggered image keeps its prediction when its pixel values are amplified.</summary>
    ScaleUp,

    /// <summary>The mean of the other chosen detectors' robust z-scores (<see cref="ScoreFusion"/>).</summary>
    Combined,
}
