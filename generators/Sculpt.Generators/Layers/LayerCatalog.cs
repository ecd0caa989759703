using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Generators.Layers;

/// <summary>Every layer Sculpt knows, by its attribute. Registering a <see cref="LayerDefinition"/> here is all a new layer needs in the generator.</summary>
internal static class LayerCatalog
{
    public static readonly IReadOnlyList<LayerDefinition> All =
    [
        .. Activation.All,
        new Linear(),
        new Dropout("Dropout"),
        new Dropout("Dropout1d", "whole channels of [B, C, L]"),
        new Dropout("Dropout2d", "whole channels of [B, C, H, W]"),
        new Dropout("AlphaDropout"),
        new DropPath(),
        new Identity(),
        new Convolution(spatial: 1),
        new Convolution(spatial: 2),
        new Convolution(spatial: 3),
        new ConvTranspose(spatial: 1),
        new ConvTranspose(spatial: 2),
        new Upsample(),
        new Pooling("MaxPool1d", spatial: 1, sculptModule: true),
        new Pooling("AvgPool1d", spatial: 1, sculptModule: false),
        new Pooling("MaxPool2d", spatial: 2, sculptModule: true),
        new Pooling("AvgPool2d", spatial: 2, sculptModule: true),
        new Pooling("MaxPool3d", spatial: 3, sculptModule: false),
        new Pooling("AvgPool3d", spatial: 3, sculptModule: false),
        new AdaptivePool2d("AdaptiveAvgPool2d"),
        new AdaptivePool2d("AdaptiveMaxPool2d"),
        new BatchNorm(spatial: 1),
        new BatchNorm(spatial: 2),
        new BatchNorm(spatial: 3),
        new GroupNorm(),
        new InstanceNorm2d(),
        new LastDimNorm("LayerNorm", shift: true),
        new LayerNorm2d(),
        new LastDimNorm("RMSNorm", shift: false),
        new Embedding(),
        new Attention(cross: false),
        new Attention(cross: true),
        new Recurrent("Rnn", "RNN", gates: 1, states: 1),
        new Recurrent("Lstm", "LSTM", gates: 4, states: 2),
        new Recurrent("Gru", "GRU", gates: 3, states: 1),
    ];

    private static readonly Dictionary<string, LayerDefinition> ByAttributeName = All.ToDictionary(d => d.Attribute);
    private static readonly Dictionary<string, LayerDefinition> ByKind = All.ToDictionary(d => d.Kind);

    public static LayerDefinition? ByAttribute(string? attributeName) =>
        attributeName is not null && ByAttributeName.TryGetValue(attributeName, out var definition) ? definition : null;

    public static LayerDefinition Of(string kind) => ByKind[kind];
}
