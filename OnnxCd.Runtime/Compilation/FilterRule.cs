using OnnxCd.Runtime.Detection;

namespace OnnxCd.Runtime.Compilation;

/// <summary>
/// The decision a compiled filter makes for each image on its own: flagged when its mask's L1 is below
/// the cutoff of its predicted class, which is the threshold on suspicion learned from a clean
/// reference set, turned into mask sizes (<see cref="CompiledFilter"/>).
/// </summary>
/// <param name="Suspicion">How suspicion is scored. With <see cref="SuspicionKind.ClassRelative"/>, each class's 0.75-quantile L1 comes from the reference images predicted in it.</param>
/// <param name="Threshold">The threshold on suspicion and its rule, computed over the reference set.</param>
/// <param name="Cutoffs">Flagged when l1 &lt; cutoff: one value for <see cref="SuspicionKind.MaskSize"/>, one per class (indexed by the predicted class) for <see cref="SuspicionKind.ClassRelative"/>.</param>
/// <param name="ReferenceSamples">The reference samples the rule was learned from.</param>
/// <param name="ReferenceUnreadable">Reference samples that could not be read (left out).</param>
/// <param name="Reference">The reference set, described.</param>
/// <param name="ClassesWithoutReference">Classes no reference image was predicted in; their cutoff comes from the whole reference set's 0.75-quantile.</param>
/// <param name="ReferenceFlagged">How many reference samples the rule flags (the false positives on clean data).</param>
public sealed record FilterRule(
    SuspicionKind Suspicion,
    Threshold Threshold,
    float[] Cutoffs,
    long ReferenceSamples,
    long ReferenceUnreadable,
    string Reference,
    IReadOnlyList<long> ClassesWithoutReference,
    long ReferenceFlagged);
