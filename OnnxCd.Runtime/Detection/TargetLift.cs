namespace OnnxCd.Runtime.Detection;

/// <summary>
/// Lifts the suspicion of the samples of a suspected target class (<see cref="SuspectedTarget"/>): an
/// all-to-one backdoor puts every poison in its target class, so once a scan has named that class its
/// samples are judged more suspicious than alike samples elsewhere. The lift is one standard deviation of
/// the scan's suspicion, the width the default flagging rule (mean + 1·std) measures in.
/// </summary>
public static class TargetLift
{
    /// <summary>Each sample's suspicion, lifted by the returned amount where its class is <paramref name="target"/>.</summary>
    /// <param name="suspicion">Each sample's suspicion.</param>
    /// <param name="classes">Each sample's class.</param>
    /// <param name="target">The suspected target class.</param>
    /// <exception cref="ArgumentException">The classes do not match the scores.</exception>
    public static (double[] Suspicion, double Lift) Apply(IReadOnlyList<double> suspicion, IReadOnlyList<long> classes, long target)
    {
        ArgumentNullException.ThrowIfNull(suspicion);
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count != suspicion.Count)
        {
            throw new ArgumentException($"{classes.Count} classes for {suspicion.Count} suspicion scores.", nameof(classes));
        }

        // s + std(s)·[class = target].
        var lift = Statistics.SampleStd(suspicion);
        return (suspicion.Select((s, i) => classes[i] == target ? s + lift : s).ToArray(), lift);
    }
}
