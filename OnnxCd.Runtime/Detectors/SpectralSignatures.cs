using MathNet.Numerics.LinearAlgebra;

namespace OnnxCd.Runtime.Detectors;

/// <summary>
/// Spectral Signatures (Tran et al. 2018). Per class: the penultimate features are centred on the class
/// mean, and each sample scores its squared projection on the top right singular vector of the centred
/// features (the top eigenvector of their covariance). Poisons pull that direction towards themselves. The
/// score is divided by its class mean, so that classes of different spread rank on one scale (the original
/// removes the top of each class on its own); a class of one sample scores 0.
/// </summary>
public sealed class SpectralSignatures : IDetector
{
    /// <inheritdoc/>
    public DetectorKind Kind => DetectorKind.SpectralSignatures;

    /// <inheritdoc/>
    public double[] Score(DetectorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var features = inputs.RequireFeatures(Kind);
        var scores = new double[features.Count];
        foreach (var members in inputs.ByClass().Where(m => m.Count > 1))
        {
            var width = features[members[0]].Length;
            var mean = new double[width];
            foreach (var i in members)
            {
                for (var d = 0; d < width; d++)
                {
                    mean[d] += features[i][d] / (double)members.Count;
                }
            }

            // C = Σ (x − μ)(x − μ)ᵀ, accumulated one sample at a time
            var covariance = Matrix<double>.Build.Dense(width, width);
            var centred = Vector<double>.Build.Dense(width);
            foreach (var i in members)
            {
                for (var d = 0; d < width; d++)
                {
                    centred[d] = features[i][d] - mean[d];
                }

                covariance += centred.OuterProduct(centred);
            }

            var evd = covariance.Evd(Symmetricity.Symmetric);
            var top = evd.EigenVectors.Column(Enumerable.Range(0, width).MaxBy(k => evd.EigenValues[k].Real));
            // s = ((x − μ) · v)², over the class mean of s
            var projections = members.Select(i => Enumerable.Range(0, width).Sum(d => (features[i][d] - mean[d]) * top[d])).Select(p => p * p).ToList();
            var scale = projections.Average();
            for (var k = 0; k < members.Count; k++)
            {
                scores[members[k]] = scale > 0 ? projections[k] / scale : 0;
            }
        }

        return scores;
    }
}
