namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// The finite-difference step and the allowed error of a VJP check: pass when
/// |⟨g, t⟩ − fd| ≤ ATol + RTol·|fd|.
/// </summary>
internal sealed record Tolerance(string Name, double Eps, double RTol, double ATol)
{
    /// <summary>Linear ops in float32: central differences are exact for any step; only float rounding remains.</summary>
    public static readonly Tolerance Linear32 = new(nameof(Linear32), 0.5, 1e-4, 1e-4);

    /// <summary>
    /// Piecewise-linear ops in float32 with inputs kept away from kinks by more than eps·|t|: no
    /// truncation error; rounding of L (float32 outputs) divided by 2·eps dominates.
    /// </summary>
    public static readonly Tolerance Piecewise32 = new(nameof(Piecewise32), 1e-2, 1e-3, 1e-3);

    /// <summary>
    /// Smooth non-linear ops in float32 (float-only kernels): truncation error O(eps²·f‴) and
    /// rounding O(1e-7·|L|/eps) together stay below 2e-3 relative with eps = 1e-2.
    /// </summary>
    public static readonly Tolerance Smooth32 = new(nameof(Smooth32), 1e-2, 2e-3, 1e-3);

    /// <summary>Float64 kernels: eps = 1e-5 leaves truncation near 1e-10 and rounding near 1e-11.</summary>
    public static readonly Tolerance Smooth64 = new(nameof(Smooth64), 1e-5, 1e-6, 1e-8);

    public bool Passes(double analytic, double numeric) => Math.Abs(analytic - numeric) <= ATol + (RTol * Math.Abs(numeric));
}
