namespace OnnxCd.Runtime.Distillation;

/// <summary>Predicted classes from rows of logits (or probabilities).</summary>
internal static class PredictedClasses
{
    /// <summary>
    /// Writes the index of the first largest value of each of the first <paramref name="count"/> rows of
    /// <paramref name="width"/> values into <paramref name="destination"/> from <paramref name="start"/>,
    /// as ONNX's ArgMax (select_last_index 0) gives it.
    /// </summary>
    public static void ArgMax(ReadOnlySpan<float> rows, int width, long[] destination, long start, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var row = rows.Slice(i * width, width);
            var best = 0;
            for (var k = 1; k < width; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            destination[start + i] = best;
        }
    }
}
