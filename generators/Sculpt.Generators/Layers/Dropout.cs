using Sculpt.Generators.Model;

namespace Sculpt.Generators.Layers;

/// <summary>
/// <c>[Dropout(p)]</c>, <c>[Dropout1d]</c>, <c>[Dropout2d]</c> (whole channels of <c>[B, C, L]</c> or
/// <c>[B, C, H, W]</c>) and <c>[AlphaDropout]</c>: shape unchanged, identity in eval mode.
/// </summary>
/// <param name="zeroes">What it zeroes, for its doc comment; null for single values.</param>
internal sealed class Dropout(string kind, string? zeroes = null) : LayerDefinition(kind, [Sizes.Probability])
{
    public override string Construction(LayerSpec layer, string config) => $"{Nn}.{Kind}({RateText(layer.Arguments[0], config)})";

    public override string Describe(LayerSpec layer, string count) =>
        $"{Kind} with p = {RateDoc(layer.Arguments[0])}{(zeroes is null ? "" : ": zeroes " + zeroes)}; shape unchanged; identity in eval mode.";
}

/// <summary><c>[Identity]</c>: returns its input, a placeholder where a block has nothing to do.</summary>
internal sealed class Identity() : LayerDefinition("Identity", [])
{
    public override string Construction(LayerSpec layer, string config) => $"{Nn}.Identity()";

    public override string Describe(LayerSpec layer, string count) => "Identity: returns its input; no parameters.";
}

/// <summary>
/// <c>[DropPath(p)]</c>, stochastic depth on a residual branch: each sample's whole input dropped with probability
/// p in training (the rest scaled by 1/(1-p)); identity in eval mode; Sculpt's own module.
/// </summary>
internal sealed class DropPath() : LayerDefinition("DropPath", [Sizes.Probability])
{
    public override string ModuleType => "global::Sculpt.Layers.DropPath";

    public override string Construction(LayerSpec layer, string config) => $"new {ModuleType}({RateText(layer.Arguments[0], config)})";

    public override string Describe(LayerSpec layer, string count) =>
        $"DropPath with p = {RateDoc(layer.Arguments[0])}: drops whole samples of a residual branch in training; shape unchanged; identity in eval mode.";
}
