using System.Collections.Generic;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary><c>[BatchNorm1d(C)]</c> over <c>[B, C]</c> or <c>[B, C, L]</c>, <c>[BatchNorm2d(C)]</c> over <c>[B, C, H, W]</c>: a scale and a shift per channel, and running statistics.</summary>
internal sealed class BatchNorm(int spatial) : LayerDefinition($"BatchNorm{spatial}d", [Sizes.Channels])
{
    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual)
    {
        var channels = SizeDim(layer.Arguments[0]);
        if (spatial == 2) return Pattern(Dim.Symbol("B"), channels, Dim.Symbol("H"), Dim.Symbol("W"));
        return actual is { Rank: 2, HasVariadic: false } ? Pattern(Dim.Symbol("B"), channels) : Pattern(Dim.Symbol("B"), channels, Dim.Symbol("L"));
    }

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) => [Term(layer.Arguments[0]) with { Constant = 2 }];

    public override string Construction(LayerSpec layer, string config) => $"{Nn}.{Kind}({SizeText(layer.Arguments[0], config)})";

    public override string Describe(LayerSpec layer, string count)
    {
        string c = ArgumentText(layer.Arguments[0]);
        string shapes = spatial == 2 ? $"[B, {c}, H, W]" : $"[B, {c}] or [B, {c}, L]";
        return $"{Kind} over {c} channels: {shapes}, shape unchanged; {count} parameters (and running statistics).";
    }
}

/// <summary>
/// <c>[LayerNorm(size)]</c> (a scale and a shift) and <c>[RMSNorm(size)]</c> (a scale; Sculpt's own, TorchSharp has none)
/// over the last dim, <c>[*, size]</c>.
/// </summary>
internal sealed class LastDimNorm(string kind, bool shift) : LayerDefinition(kind, [Sizes.Normalized])
{
    public override string ModuleType => shift ? base.ModuleType : "global::Sculpt.Layers." + Module;

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0]));

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) => [Term(layer.Arguments[0]) with { Constant = shift ? 2 : 1 }];

    public override string Construction(LayerSpec layer, string config) =>
        shift ? $"{Nn}.LayerNorm({SizeText(layer.Arguments[0], config)})" : $"new {ModuleType}({SizeText(layer.Arguments[0], config)})";

    public override string Describe(LayerSpec layer, string count) =>
        $"{Kind} over the last dim: [*, {ArgumentText(layer.Arguments[0])}], shape unchanged; {count} parameters.";
}
