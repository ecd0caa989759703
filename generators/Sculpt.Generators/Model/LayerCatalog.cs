using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Generators.Model;

/// <summary>What a layer argument must be.</summary>
internal enum ArgumentRole
{
    /// <summary>A positive integer, or an integer hyperparameter.</summary>
    Size,

    /// <summary>A probability in [0, 1), or a hyperparameter.</summary>
    Probability,
}

/// <summary>One positional argument of a layer attribute, with the words messages use for it.</summary>
internal sealed record LayerArgumentDefinition(string Description, ArgumentRole Role);

/// <summary>A named integer setting of a layer attribute and its default.</summary>
internal sealed record LayerOptionDefinition(string Name, long Default, long Minimum);

/// <summary>
/// Every layer Sculpt knows: its attribute, its TorchSharp module, its arguments and settings.
/// Shape rules live in <c>Shapes/LayerRules</c>, emission in <c>Emit/LayerEmission</c>.
/// </summary>
/// <param name="Inputs">The tensors the layer method takes (cross-attention takes two).</param>
/// <param name="States">For recurrent layers, the state tensors a tuple-returning method also gets back
/// (<c>(Tensor Output, Tensor Hidden)</c>, plus <c>Cell</c> for LSTM); 0 for every other layer.</param>
internal sealed record LayerDefinition(
    LayerKind Kind, string Attribute, string Module, IReadOnlyList<LayerArgumentDefinition> Arguments, IReadOnlyList<LayerOptionDefinition> Options,
    int Inputs = 1, int States = 0)
{
    public bool IsRecurrent => States > 0;

    /// <summary>How a method for this layer is written, for messages.</summary>
    public string Example(string name)
    {
        string parameters = Inputs == 2 ? "Tensor x, Tensor context" : "Tensor x";
        return $"private partial Tensor {name}({parameters});";
    }
}

internal static class LayerCatalog
{
    private static readonly LayerArgumentDefinition InputSize = new("The input size", ArgumentRole.Size);
    private static readonly LayerArgumentDefinition OutputSize = new("The output size", ArgumentRole.Size);
    private static readonly LayerArgumentDefinition InChannels = new("The input channel count", ArgumentRole.Size);
    private static readonly LayerArgumentDefinition OutChannels = new("The output channel count", ArgumentRole.Size);
    private static readonly LayerArgumentDefinition Kernel = new("The kernel size", ArgumentRole.Size);
    private static readonly LayerOptionDefinition[] Convolution =
    [
        new("Stride", 1, 1), new("Padding", 0, 0), new("Dilation", 1, 1), new("Groups", 1, 1), new("SamePadding", 0, 0),
    ];
    private static readonly LayerOptionDefinition[] Pooling = [new("Stride", 0, 0), new("Padding", 0, 0)];
    private static readonly LayerOptionDefinition[] Recurrent = [new("Layers", 1, 1), new("Bidirectional", 0, 0)];
    private static readonly LayerArgumentDefinition Probability = new("The probability", ArgumentRole.Probability);
    private static readonly LayerArgumentDefinition[] DimAndHeads = [new("The model dim", ArgumentRole.Size), new("The head count", ArgumentRole.Size)];
    private static readonly LayerArgumentDefinition[] InputAndHidden = [InputSize, new("The hidden size", ArgumentRole.Size)];

    public static readonly IReadOnlyList<LayerDefinition> All =
    [
        new(LayerKind.Linear, "Sculpt.LinearAttribute", "Linear", [InputSize, OutputSize], []),
        new(LayerKind.Dropout, "Sculpt.DropoutAttribute", "Dropout", [Probability], []),
        new(LayerKind.Dropout1d, "Sculpt.Dropout1dAttribute", "Dropout1d", [Probability], []),
        new(LayerKind.Dropout2d, "Sculpt.Dropout2dAttribute", "Dropout2d", [Probability], []),
        new(LayerKind.AlphaDropout, "Sculpt.AlphaDropoutAttribute", "AlphaDropout", [Probability], []),
        new(LayerKind.Identity, "Sculpt.IdentityAttribute", "Identity", [], []),
        new(LayerKind.Conv1d, "Sculpt.Conv1dAttribute", "Conv1d", [InChannels, OutChannels, Kernel], Convolution),
        new(LayerKind.MaxPool1d, "Sculpt.MaxPool1dAttribute", "MaxPool1d", [Kernel], Pooling),
        new(LayerKind.AvgPool1d, "Sculpt.AvgPool1dAttribute", "AvgPool1d", [Kernel], Pooling),
        new(LayerKind.BatchNorm1d, "Sculpt.BatchNorm1dAttribute", "BatchNorm1d", [new("The channel count", ArgumentRole.Size)], []),
        new(LayerKind.Conv2d, "Sculpt.Conv2dAttribute", "Conv2d", [InChannels, OutChannels, Kernel], Convolution),
        new(LayerKind.MaxPool2d, "Sculpt.MaxPool2dAttribute", "MaxPool2d", [Kernel], Pooling),
        new(LayerKind.AvgPool2d, "Sculpt.AvgPool2dAttribute", "AvgPool2d", [Kernel], Pooling),
        new(LayerKind.BatchNorm2d, "Sculpt.BatchNorm2dAttribute", "BatchNorm2d", [new("The channel count", ArgumentRole.Size)], []),
        new(LayerKind.LayerNorm, "Sculpt.LayerNormAttribute", "LayerNorm", [new("The normalized size", ArgumentRole.Size)], []),
        new(LayerKind.Embedding, "Sculpt.EmbeddingAttribute", "Embedding", [new("The vocabulary size", ArgumentRole.Size), new("The embedding size", ArgumentRole.Size)], []),
        new(LayerKind.AdaptiveAvgPool2d, "Sculpt.AdaptiveAvgPool2dAttribute", "AdaptiveAvgPool2d", [new("The output size", ArgumentRole.Size)], []),
        new(LayerKind.SelfAttention, "Sculpt.SelfAttentionAttribute", "SelfAttention", DimAndHeads, [new("Causal", 0, 0)]),
        new(LayerKind.CrossAttention, "Sculpt.CrossAttentionAttribute", "CrossAttention", DimAndHeads, [], Inputs: 2),
        new(LayerKind.RMSNorm, "Sculpt.RMSNormAttribute", "RMSNorm", [new("The normalized size", ArgumentRole.Size)], []),
        new(LayerKind.Rnn, "Sculpt.RnnAttribute", "RNN", InputAndHidden, Recurrent, States: 1),
        new(LayerKind.Lstm, "Sculpt.LstmAttribute", "LSTM", InputAndHidden, Recurrent, States: 2),
        new(LayerKind.Gru, "Sculpt.GruAttribute", "GRU", InputAndHidden, Recurrent, States: 1),
    ];

    private static readonly Dictionary<string, LayerDefinition> ByAttributeName = All.ToDictionary(d => d.Attribute);
    private static readonly Dictionary<LayerKind, LayerDefinition> ByKind = All.ToDictionary(d => d.Kind);

    public static LayerDefinition? ByAttribute(string? attributeName) =>
        attributeName is not null && ByAttributeName.TryGetValue(attributeName, out var definition) ? definition : null;

    public static LayerDefinition Of(LayerKind kind) => ByKind[kind];
}
