using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Emit;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary>
/// <c>[BatchNorm1d(C)]</c> over <c>[B, C]</c> or <c>[B, C, L]</c>, <c>[BatchNorm2d(C)]</c> over <c>[B, C, H, W]</c>,
/// <c>[BatchNorm3d(C)]</c> over <c>[B, C, D, H, W]</c>: a scale and a shift per channel, and running statistics.
/// </summary>
internal sealed class BatchNorm(int spatial) : LayerDefinition($"BatchNorm{spatial}d", [Sizes.Channels], [EpsOption()])
{
    public override bool ComputesInFloat32 => true;

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual)
    {
        var channels = SizeDim(layer.Arguments[0]);
        if (spatial == 2) return Pattern(Dim.Symbol("B"), channels, Dim.Symbol("H"), Dim.Symbol("W"));
        if (spatial == 3) return Pattern(Dim.Symbol("B"), channels, Dim.Symbol("D"), Dim.Symbol("H"), Dim.Symbol("W"));
        return actual is { Rank: 2, HasVariadic: false } ? Pattern(Dim.Symbol("B"), channels) : Pattern(Dim.Symbol("B"), channels, Dim.Symbol("L"));
    }

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) => [Term(layer.Arguments[0]) with { Constant = 2 }];

    public override string Construction(LayerSpec layer, string config) => $"{Nn}.{Kind}({SizeText(layer.Arguments[0], config)}{Eps(layer)})";

    public override string Describe(LayerSpec layer, string count)
    {
        string c = ArgumentText(layer.Arguments[0]);
        string shapes = spatial switch { 2 => $"[B, {c}, H, W]", 3 => $"[B, {c}, D, H, W]", _ => $"[B, {c}] or [B, {c}, L]" };
        return $"{Kind} over {c} channels: {shapes}, shape unchanged; {count} parameters (and running statistics).";
    }
}

/// <summary>
/// <c>[LayerNorm(size)]</c> (a scale and a shift) and <c>[RMSNorm(size)]</c> (a scale; Sculpt's own, TorchSharp has none)
/// over the last dim, <c>[*, size]</c>.
/// </summary>
internal sealed class LastDimNorm(string kind, bool shift) : LayerDefinition(kind, [Sizes.Normalized], [EpsOption(shift ? 1e-5 : 1e-6)])
{
    public override bool ComputesInFloat32 => true;

    public override string ModuleType => shift ? base.ModuleType : "global::Sculpt.Layers." + Module;

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0]));

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) => [Term(layer.Arguments[0]) with { Constant = shift ? 2 : 1 }];

    public override string Construction(LayerSpec layer, string config) =>
        shift ? $"{Nn}.LayerNorm({SizeText(layer.Arguments[0], config)}{Eps(layer)})" : $"new {ModuleType}({SizeText(layer.Arguments[0], config)}{Eps(layer)})";

    public override string Describe(LayerSpec layer, string count) =>
        $"{Kind} over the last dim: [*, {ArgumentText(layer.Arguments[0])}], shape unchanged; {count} parameters.";
}

/// <summary>
/// <c>[GroupNorm(groups, channels)]</c> over <c>[B, channels, ...]</c>: statistics per sample and group of channels, a
/// scale and a shift per channel; the group count must divide the channel count.
/// </summary>
internal sealed class GroupNorm() : LayerDefinition("GroupNorm", [new("The group count", ArgumentRole.Size), Sizes.Channels], [EpsOption()])
{
    public override bool ComputesInFloat32 => true;

    public override (int Divisor, int Dividend)? Divides => (0, 1);

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) => actual is { HasVariadic: false, Rank: >= 2 }
        ? Pattern([Dim.Symbol("B"), SizeDim(layer.Arguments[1]), .. Enumerable.Range(1, actual.Rank - 2).Select(i => Dim.Symbol("S" + i))])
        : null;

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) => [Term(layer.Arguments[1]) with { Constant = 2 }];

    public override string Construction(LayerSpec layer, string config) =>
        // TorchSharp leaves a GroupNorm's scale and shift uninitialised (torch.empty); PyTorch starts them at one and zero.
        $"global::Sculpt.Layers.Initialization.OnesAndZeros({Nn}.GroupNorm({SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[1], config)}{Eps(layer)}))";

    public override string Describe(LayerSpec layer, string count) =>
        $"GroupNorm of {ArgumentText(layer.Arguments[1])} channels in {ArgumentText(layer.Arguments[0])} groups: [B, {ArgumentText(layer.Arguments[1])}, *], shape unchanged; {count} parameters.";
}

/// <summary>
/// <c>[InstanceNorm2d(channels)]</c> over <c>[B, channels, H, W]</c>: statistics per sample and channel; as in PyTorch,
/// no scale or shift unless <c>Affine = true</c>, and no running statistics.
/// </summary>
internal sealed class InstanceNorm2d() : LayerDefinition("InstanceNorm2d", [Sizes.Channels], [new("Affine", 0, 0), EpsOption()])
{
    public override bool ComputesInFloat32 => true;

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) =>
        Pattern(Dim.Symbol("B"), SizeDim(layer.Arguments[0]), Dim.Symbol("H"), Dim.Symbol("W"));

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) =>
        layer.Option("Affine") != 0 ? [Term(layer.Arguments[0]) with { Constant = 2 }] : [];

    public override string Construction(LayerSpec layer, string config) =>
        $"{Nn}.InstanceNorm2d({SizeText(layer.Arguments[0], config)}, {SourceWriter.Literal(layer.Setting("Eps"))}, 0.1, {Flag(layer, "Affine")}, false)";

    public override string Describe(LayerSpec layer, string count) =>
        $"InstanceNorm2d over {ArgumentText(layer.Arguments[0])} channels: [B, {ArgumentText(layer.Arguments[0])}, H, W], shape unchanged; {count} parameters.";
}

/// <summary>
/// <c>[LayerNorm2d(channels)]</c>: layer normalisation over the channels of <c>[B, channels, H, W]</c> at every position
/// (ConvNeXt's norm), a scale and a shift per channel; Sculpt's own module.
/// </summary>
internal sealed class LayerNorm2d() : LayerDefinition("LayerNorm2d", [Sizes.Channels], [EpsOption()])
{
    public override bool ComputesInFloat32 => true;

    public override string ModuleType => "global::Sculpt.Layers.LayerNorm2d";

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) =>
        Pattern(Dim.Symbol("B"), SizeDim(layer.Arguments[0]), Dim.Symbol("H"), Dim.Symbol("W"));

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) => [Term(layer.Arguments[0]) with { Constant = 2 }];

    public override string Construction(LayerSpec layer, string config) => $"new {ModuleType}({SizeText(layer.Arguments[0], config)}{Eps(layer)})";

    public override string Describe(LayerSpec layer, string count) =>
        $"LayerNorm2d over the {ArgumentText(layer.Arguments[0])} channels at each position: [B, {ArgumentText(layer.Arguments[0])}, H, W], shape unchanged; {count} parameters.";
}
