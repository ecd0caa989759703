namespace Sculpt.Generators.Layers;

/// <summary>The argument descriptions several layers share, as messages name them.</summary>
internal static class Sizes
{
    public static readonly LayerArgumentDefinition Input = new("The input size", ArgumentRole.Size);
    public static readonly LayerArgumentDefinition Output = new("The output size", ArgumentRole.Size);
    public static readonly LayerArgumentDefinition InChannels = new("The input channel count", ArgumentRole.Size);
    public static readonly LayerArgumentDefinition OutChannels = new("The output channel count", ArgumentRole.Size);
    public static readonly LayerArgumentDefinition Channels = new("The channel count", ArgumentRole.Size);
    public static readonly LayerArgumentDefinition Kernel = new("The kernel size", ArgumentRole.Size);
    public static readonly LayerArgumentDefinition Normalized = new("The normalized size", ArgumentRole.Size);
    public static readonly LayerArgumentDefinition Probability = new("The probability", ArgumentRole.Probability);
}
