namespace OnnxCd.Runtime.Autodiff.Rules;

/// <summary>An Einsum equation in explicit form: one subscript string per operand and the output's (implicit mode made explicit).</summary>
/// <param name="Inputs">Each operand's subscripts.</param>
/// <param name="Output">The output's subscripts.</param>
internal sealed record EinsumEquation(IReadOnlyList<string> Inputs, string Output)
{
    /// <summary>Parses "ab,bc->ac" or the implicit "ab,bc" (output: the letters used once, in alphabetical order); null with <paramref name="problem"/> when the rule cannot differentiate it.</summary>
    public static EinsumEquation? Parse(string equation, out string? problem)
    {
        var text = string.Concat(equation.Where(c => !char.IsWhiteSpace(c)));
        problem = text.Contains("...", StringComparison.Ordinal) ? $"Einsum '{equation}' has an ellipsis ('...'), which the rule does not expand; write its subscripts out" : null;
        if (problem is not null)
        {
            return null;
        }

        var arrow = text.IndexOf("->", StringComparison.Ordinal);
        var inputs = (arrow < 0 ? text : text[..arrow]).Split(',');
        var output = arrow < 0
            ? string.Concat(inputs.SelectMany(t => t).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).Order())
            : text[(arrow + 2)..];
        if (inputs.Append(output).Any(t => t.Any(c => !char.IsAsciiLetter(c)) || t.Distinct().Count() != t.Length))
        {
            problem = $"Einsum '{equation}' repeats a subscript within one operand (a diagonal) or uses a character other than a letter";
            return null;
        }

        return new EinsumEquation(inputs, output);
    }

    /// <summary>The equation of input <paramref name="i"/>'s gradient: (dy, the other operands) → the input's subscripts without the letters found nowhere else (those are broadcast afterwards).</summary>
    public (string Equation, string Kept) GradientOf(int i)
    {
        var others = Inputs.Where((_, j) => j != i).ToList();
        var elsewhere = others.Append(Output).SelectMany(t => t).ToHashSet();
        var kept = string.Concat(Inputs[i].Where(elsewhere.Contains));
        return ($"{string.Join(",", others.Prepend(Output))}->{kept}", kept);
    }
}
