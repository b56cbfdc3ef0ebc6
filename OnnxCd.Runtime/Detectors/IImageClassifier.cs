namespace OnnxCd.Runtime.Detectors;

/// <summary>A classifier the input-perturbation detectors query: class probabilities of images in [0, 1].</summary>
public interface IImageClassifier
{
    /// <summary>Each image's class probabilities, in the order given.</summary>
    /// <param name="images">Images in [0, 1], each laid out as the model's input [C, H, W].</param>
    IReadOnlyList<float[]> Probabilities(IReadOnlyList<float[]> images);
}
