using System.Collections.Generic;
using Sculpt.Generators.Layers;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>How a layer constrains its input and computes its output shape: each layer's <see cref="LayerDefinition"/> says.</summary>
internal static class LayerRules
{
    /// <summary>The shape input <paramref name="index"/> of a layer accepts, when it constrains it; null when any shape will do.</summary>
    public static Shape? Accepts(LayerSpec layer, int index = 0, Shape? actual = null) => LayerCatalog.Of(layer.Kind).Accepts(layer, index, actual);

    /// <summary>The output for <paramref name="input"/> (the first input), or why the layer cannot produce one (a kernel larger than its input).</summary>
    public static RuleResult Apply(LayerSpec layer, Shape? input) => input is null ? RuleResult.Unknown : LayerCatalog.Of(layer.Kind).Apply(layer, input);

    /// <summary>What a method of a recurrent layer returns as a tuple: the output sequence, then each final state.</summary>
    public static IReadOnlyList<Shape?> RecurrentResults(LayerSpec layer, Shape? output) =>
        LayerCatalog.Of(layer.Kind) is Recurrent recurrent ? recurrent.Results(layer, output) : [output];

    /// <summary>The dim a layer size argument stands for.</summary>
    public static Dim SizeDim(LayerArgument argument) => LayerDefinition.SizeDim(argument);
}
