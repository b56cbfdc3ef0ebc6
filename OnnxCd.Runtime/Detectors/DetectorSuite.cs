using System.Diagnostics;

namespace OnnxCd.Runtime.Detectors;

/// <summary>Runs the chosen detectors beside CD over one scan's samples.</summary>
public static class DetectorSuite
{
    /// <summary>The detector of <paramref name="kind"/>; none for CD, whose scores are the scan's, and for the combined detector, which fuses the others'.</summary>
    public static IDetector? For(DetectorKind kind) => kind switch
    {
        DetectorKind.SpectralSignatures => new SpectralSignatures(),
        DetectorKind.ActivationClustering => new ActivationClustering(),
        DetectorKind.Strip => new Strip(),
        DetectorKind.ScaleUp => new ScaleUp(),
        _ => null,
    };

    /// <summary>Each chosen detector's scores, in the order chosen: CD's are <paramref name="cd"/>, the combined detector fuses all the others chosen.</summary>
    /// <param name="kinds">The detectors.</param>
    /// <param name="inputs">What they read.</param>
    /// <param name="cd">CD's suspicion of each sample.</param>
    /// <param name="cdSeconds">What CD's runs took.</param>
    /// <param name="progress">Told the name of each detector as it starts, or null.</param>
    /// <exception cref="ModelException">A detector needs what the model does not have.</exception>
    public static IReadOnlyList<DetectorScores> Run(IReadOnlyList<DetectorKind> kinds, DetectorInputs inputs, IReadOnlyList<double> cd, double cdSeconds, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(cd);
        var results = new List<DetectorScores>();
        foreach (var kind in kinds.Where(k => k != DetectorKind.Combined))
        {
            if (For(kind) is not { } detector)
            {
                results.Add(new DetectorScores(kind, cd, cdSeconds));
                continue;
            }

            progress?.Invoke(DetectorNames.Of(kind));
            // Shared inputs are made before the clock starts, so each detector is timed on its own work.
            _ = kind is DetectorKind.SpectralSignatures or DetectorKind.ActivationClustering ? inputs.Features.Value : null;
            _ = kind is DetectorKind.Strip or DetectorKind.ScaleUp ? inputs.Classifier.Value : null;
            _ = kind is DetectorKind.Strip ? inputs.Overlays.Value : null;
            var clock = Stopwatch.StartNew();
            var scores = detector.Score(inputs);
            results.Add(new DetectorScores(kind, scores, clock.Elapsed.TotalSeconds));
        }

        if (kinds.Contains(DetectorKind.Combined))
        {
            var clock = Stopwatch.StartNew();
            var fused = ScoreFusion.Combine(results.Select(r => r.Scores).ToList());
            results.Insert(kinds.ToList().IndexOf(DetectorKind.Combined), new DetectorScores(DetectorKind.Combined, fused, clock.Elapsed.TotalSeconds));
        }

        return results;
    }
}
