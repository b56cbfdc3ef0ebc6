namespace OnnxCd.Runtime.Data.Sources;

/// <summary>Turns stored pixels into model input [C,H,W] in [0,1]: channels-last to channels-first, grey to RGB and back.</summary>
internal static class PixelConversion
{
    /// <summary>Whether images of <paramref name="inChannels"/> can feed a model of <paramref name="outChannels"/>: the same count, or grey and RGB either way.</summary>
    public static bool CanConvert(long inChannels, long outChannels) =>
        inChannels == outChannels || (inChannels, outChannels) is (1, 3) or (3, 1);

    /// <summary>Bytes [H,W,Cin] (channels last) or [Cin,H,W] (planes) scaled by 1/255 into [Cout,H,W].</summary>
    public static float[] FromBytes(ReadOnlySpan<byte> source, int inChannels, bool channelsLast, ImageSpec spec)
    {
        var plane = spec.Height * spec.Width;
        var input = new float[inChannels * plane];
        for (var c = 0; c < inChannels; c++)
        {
            for (var p = 0; p < plane; p++)
            {
                input[(c * plane) + p] = source[channelsLast ? (p * inChannels) + c : (c * plane) + p] / 255f;
            }
        }

        return ToChannels(input, inChannels, spec);
    }

    /// <summary>[Cin,H,W] into [Cout,H,W]: grey is copied to R, G and B; RGB becomes grey by ITU-R BT.601 luma.</summary>
    public static float[] ToChannels(float[] planes, int inChannels, ImageSpec spec)
    {
        if (inChannels == spec.Channels)
        {
            return planes;
        }

        var plane = spec.Height * spec.Width;
        var output = new float[spec.Size];
        if (inChannels == 1 && spec.Channels == 3)
        {
            for (var c = 0; c < 3; c++)
            {
                Array.Copy(planes, 0, output, c * plane, plane);
            }

            return output;
        }

        if (inChannels == 3 && spec.Channels == 1)
        {
            for (var p = 0; p < plane; p++)
            {
                output[p] = (0.299f * planes[p]) + (0.587f * planes[plane + p]) + (0.114f * planes[(2 * plane) + p]);
            }

            return output;
        }

        throw new DataException($"Images with {inChannels} channels cannot feed a model that takes {spec.Channels}; OnnxCd converts between 1 (grey) and 3 (RGB).");
    }

    /// <summary>Null when every value is a finite number in [0,1], else the first offending value and where it is.</summary>
    public static string? RangeProblem(ReadOnlySpan<float> pixels)
    {
        for (var i = 0; i < pixels.Length; i++)
        {
            if (!(pixels[i] >= 0 && pixels[i] <= 1))
            {
                return $"value {pixels[i]} at element {i}: pixels must lie in [0,1] (scale the data to [0,1]; a model that expects normalised input takes its mean and std as settings, applied inside the graph)";
            }
        }

        return null;
    }
}
