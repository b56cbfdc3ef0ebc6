namespace OnnxCd.Runtime.Features;

/// <summary>One sample's penultimate features.</summary>
/// <param name="Index">The sample's index in its dataset.</param>
/// <param name="Label">Its label, when the dataset has labels.</param>
/// <param name="Values">One value per channel of the feature map: the map averaged over its spatial axes.</param>
public sealed record SampleFeatures(long Index, long? Label, float[] Values);
