using MathNet.Numerics.LinearAlgebra;

namespace OnnxCd.Runtime.Detection;

/// <summary>Standardisation (per feature, over the fitted samples) followed by the projection on the leading principal components.</summary>
internal sealed class PrincipalProjection
{
    private readonly double[] _mean;
    private readonly double[] _std;
    private readonly Matrix<double> _axes;

    private PrincipalProjection(double[] mean, double[] std, Matrix<double> axes) => (_mean, _std, _axes) = (mean, std, axes);

    public static PrincipalProjection Fit(List<float[]> samples, int components)
    {
        var (n, width) = (samples.Count, samples[0].Length);
        var mean = Enumerable.Range(0, width).Select(d => samples.Average(s => (double)s[d])).ToArray();
        // Population std, as the standardisation of the study; +1e-8 keeps a constant feature finite.
        var std = Enumerable.Range(0, width).Select(d => Math.Sqrt(samples.Average(s => (s[d] - mean[d]) * (s[d] - mean[d]))) + 1e-8).ToArray();
        var x = Matrix<double>.Build.Dense(n, width, (i, d) => (samples[i][d] - mean[d]) / std[d]);
        var covariance = x.TransposeThisAndMultiply(x) / Math.Max(1, n - 1);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, width).OrderByDescending(i => evd.EigenValues[i].Real).Take(Math.Min(components, Math.Min(width, n))).ToArray();
        var axes = Matrix<double>.Build.Dense(width, order.Length, (d, c) => evd.EigenVectors[d, order[c]]);
        return new PrincipalProjection(mean, std, axes);
    }

    public double[] Apply(float[] features)
    {
        var x = Vector<double>.Build.Dense(features.Length, d => (features[d] - _mean[d]) / _std[d]);
        return (x * _axes).ToArray();
    }
}
