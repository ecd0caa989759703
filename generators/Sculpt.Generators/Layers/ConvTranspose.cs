using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary>
/// <c>[ConvTranspose1d(in, out, kernel)]</c> and <c>[ConvTranspose2d]</c>, the gradient of a convolution, for decoders and
/// generators: <c>[*, in, H, W] -&gt; [*, out, H', W']</c> with <c>H' = (H-1)*Stride - 2*Padding + Dilation*(kernel-1) + OutputPadding + 1</c>
/// per spatial dim.
/// </summary>
internal sealed class ConvTranspose(int spatial) : LayerDefinition(
    $"ConvTranspose{spatial}d",
    [Sizes.InChannels, Sizes.OutChannels, Sizes.Kernel],
    [new("Stride", 1, 1), new("Padding", 0, 0), new("OutputPadding", 0, 0), new("Dilation", 1, 1), new("Groups", 1, 1)])
{
    public override bool TakesInitScheme => true;

    public override bool ComputesInFloat32 => true;

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) =>
        Pattern(new[] { Dim.Variadic("batch"), SizeDim(layer.Arguments[0]) }.Concat(SpatialNames(spatial).Select(Dim.Symbol)).ToArray());

    /// <summary>What the output adds to <c>(H-1)*Stride</c> besides it: <c>-2*Padding + Dilation*(kernel-1) + OutputPadding + 1</c>.</summary>
    private static long Growth(LayerSpec layer, long kernel) =>
        -2 * layer.Option("Padding") + layer.Option("Dilation") * (kernel - 1) + layer.Option("OutputPadding") + 1;

    public override RuleResult Apply(LayerSpec layer, Shape input)
    {
        if (input.Rank < spatial + 1 && !input.HasVariadic) return RuleResult.Unknown;
        var channels = (spatial + 1, SizeDim(layer.Arguments[1]));
        var kernel = SizeDim(layer.Arguments[2]);
        var fromEnd = Enumerable.Range(1, spatial).ToList();
        if (kernel.Kind != DimKind.Constant) return RuleResult.Of(ReplaceFromEnd(input, [channels, .. fromEnd.Select(i => (i, Dim.Unknown))]));
        long stride = layer.Option("Stride"), growth = Growth(layer, kernel.Value);
        Dim Grown(Dim length) => Dim.Sum([Dim.Product([Dim.Constant(stride), length]), Dim.Constant(growth - stride)]);
        return RuleResult.Of(ReplaceFromEnd(input, [channels, .. fromEnd.Select(i => (i, Grown(input.Dims[input.Rank - i])))]));
    }

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer)
    {
        var a = layer.Arguments;
        yield return new ParameterTerm(1, [a[0], a[1], .. Enumerable.Repeat(a[2], spatial)], layer.Option("Groups"));
        if (layer.Bias) yield return Term(a[1]);
    }

    // Each input value meets out/groups x kernel x kernel weights; the input's size follows from the output's.
    public override string MultiplyAdds(LayerSpec layer, string config)
    {
        string k = LongSize(layer.Arguments[2], config);
        string input(string dim) => $"(({dim} - 1 + 2L * {layer.Option("Padding")}L - {layer.Option("Dilation")}L * ({k} - 1) - {layer.Option("OutputPadding")}L) / {layer.Option("Stride")}L + 1)";
        var dims = Enumerable.Range(1, spatial).Select(i => $"o[^{i}]").ToList();
        return $"o.Elements / ({string.Join(" * ", dims)}) * {LongSize(layer.Arguments[0], config)} / {layer.Option("Groups")}L * "
            + string.Join(" * ", Enumerable.Repeat(k, spatial).Concat(dims.Select(input)));
    }

    public override string Construction(LayerSpec layer, string config) =>
        $"{Nn}.{Kind}({SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[1], config)}, {SizeText(layer.Arguments[2], config)}, "
        + $"{OptionText(layer, "Stride")}, {OptionText(layer, "Padding")}, {OptionText(layer, "OutputPadding")}, {OptionText(layer, "Dilation")}, "
        + $"global::TorchSharp.PaddingModes.Zeros, {OptionText(layer, "Groups")}, {(layer.Bias ? "true" : "false")})";

    public override string Describe(LayerSpec layer, string count) =>
        $"{Kind}: [*, {ArgumentText(layer.Arguments[0])}, {string.Join(", ", SpatialNames(spatial))}] -&gt; [*, {ArgumentText(layer.Arguments[1])}, {string.Join(", ", SpatialNames(spatial).Select(n => n + "'"))}], kernel {ArgumentText(layer.Arguments[2])}, "
        + $"stride {OptionText(layer, "Stride")}, padding {OptionText(layer, "Padding")}, output padding {OptionText(layer, "OutputPadding")}, "
        + $"dilation {OptionText(layer, "Dilation")}, groups {OptionText(layer, "Groups")}; {count} parameters.";

    public override string? OptionProblem(string option, double value, IReadOnlyList<(double Value, string Text)?> sizes, IReadOnlyList<string> optionsSet) =>
        option == "Groups" ? GroupsProblem(value, sizes) : null;

    public override LayerOption Usable(LayerOption option) => WindowSettingAtLeastOne(option);
}
