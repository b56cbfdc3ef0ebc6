namespace OnnxCd.Runtime.Compilation;

/// <summary>Where a compiled CD model takes its noise colours from.</summary>
public enum CompiledNoise
{
    /// <summary>Drawn in the graph from one seed per image (input <see cref="CompiledNames.Seed"/>).</summary>
    Seeds,

    /// <summary>Given as input <see cref="CompiledNames.Noise"/> [steps,N,C], to replay another run exactly.</summary>
    Input,
}
