using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary>
/// <c>[Conv1d(in, out, kernel)]</c>, <c>[Conv2d(...)]</c> and <c>[Conv3d(...)]</c>: <c>[*, in, L] -&gt; [*, out, L']</c> with
/// <c>L' = (L + 2*Padding - Dilation*(kernel-1) - 1) / Stride + 1</c> per spatial dim, or the length
/// itself with <c>SamePadding</c> (stride 1 only, as PyTorch's <c>padding="same"</c>).
/// </summary>
internal sealed class Convolution(int spatial) : LayerDefinition(
    $"Conv{spatial}d",
    [Sizes.InChannels, Sizes.OutChannels, Sizes.Kernel],
    [new("Stride", 1, 1), new("Padding", 0, 0), new("Dilation", 1, 1), new("Groups", 1, 1), new("SamePadding", 0, 0)])
{
    public override bool TakesInitScheme => true;

    public override IReadOnlyList<string> SymbolicOptions => ["Stride", "Padding", "Dilation", "Groups"];

    private IEnumerable<Dim> Spatial => SpatialNames(spatial).Select(Dim.Symbol);

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) =>
        Pattern(new[] { Dim.Variadic("batch"), SizeDim(layer.Arguments[0]) }.Concat(Spatial).ToArray());

    public override RuleResult Apply(LayerSpec layer, Shape input)
    {
        if (input.Rank < spatial + 1 && !input.HasVariadic) return RuleResult.Unknown;
        var channels = (spatial + 1, SizeDim(layer.Arguments[1]));
        // "same" keeps every spatial dim (PyTorch allows it with stride 1 only; the analyzer reports other strides).
        if (layer.Option("SamePadding") != 0) return RuleResult.Of(ReplaceFromEnd(input, channels));
        // A window setting from a hyperparameter leaves the spatial sizes to run time; the channels stay checked.
        if (layer.IsSymbolic("Stride") || layer.IsSymbolic("Padding") || layer.IsSymbolic("Dilation"))
            return RuleResult.Of(ReplaceFromEnd(input, [channels, .. Enumerable.Range(1, spatial).Select(i => (i, Dim.Unknown))]));
        return Windows(input, spatial, SizeDim(layer.Arguments[2]), layer.Option("Stride"), layer.Option("Padding"), layer.Option("Dilation"), channels);
    }

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer)
    {
        var a = layer.Arguments;
        yield return layer.IsSymbolic("Groups")
            ? new ParameterTerm(1, new[] { a[1], a[0] }.Concat(Enumerable.Repeat(a[2], spatial)).ToArray()) { SymbolicDivisor = GroupsArgument(layer) }
            : new ParameterTerm(1, new[] { a[1], a[0] }.Concat(Enumerable.Repeat(a[2], spatial)).ToArray(), layer.Option("Groups"));
        if (layer.Bias) yield return Term(a[1]);
    }

    public override string MultiplyAdds(LayerSpec layer, string config)
    {
        string kernel = string.Join(" * ", Enumerable.Repeat(LongSize(layer.Arguments[2], config), spatial));
        string groups = layer.IsSymbolic("Groups") ? $" / (long){OptionText(layer, "Groups", config)}" : layer.Option("Groups") == 1 ? "" : $" / {layer.Option("Groups")}L";
        return $"o.Elements * {LongSize(layer.Arguments[0], config)} * {kernel}{groups}";
    }

    public override string Construction(LayerSpec layer, string config)
    {
        string sizes = $"{SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[1], config)}, {SizeText(layer.Arguments[2], config)}";
        // Positional: a named `padding: 0` would also fit the overload whose padding is an enum.
        string rest = layer.Option("SamePadding") != 0
            ? $"global::TorchSharp.Padding.Same, {OptionText(layer, "Stride", config)}, {OptionText(layer, "Dilation", config)}"
            : $"{OptionText(layer, "Stride", config)}, {OptionText(layer, "Padding", config)}, {OptionText(layer, "Dilation", config)}";
        return $"{Nn}.{Kind}({sizes}, {rest}, global::TorchSharp.PaddingModes.Zeros, {OptionText(layer, "Groups", config)}, {(layer.Bias ? "true" : "false")})";
    }

    public override string Describe(LayerSpec layer, string count)
    {
        string dims = string.Join(", ", SpatialNames(spatial));
        string primed = string.Join(", ", SpatialNames(spatial).Select(n => n + "'"));
        string padding = layer.Option("SamePadding") != 0 ? "same" : OptionText(layer, "Padding");
        return $"{Kind}: [*, {ArgumentText(layer.Arguments[0])}, {dims}] -&gt; [*, {ArgumentText(layer.Arguments[1])}, {primed}], kernel {ArgumentText(layer.Arguments[2])}, "
            + $"stride {OptionText(layer, "Stride")}, padding {padding}, dilation {OptionText(layer, "Dilation")}, groups {OptionText(layer, "Groups")}; {count} parameters.";
    }

    public override string? OptionProblem(string option, double value, IReadOnlyList<(double Value, string Text)?> sizes, IReadOnlyList<string> optionsSet)
    {
        if (option == "Stride" && value != 1 && optionsSet.Contains("SamePadding"))
        {
            return "1 with SamePadding (PyTorch's \"same\" padding needs stride 1)";
        }
        return option == "Groups" ? GroupsProblem(value, sizes) : null;
    }

    public override LayerOption Usable(LayerOption option) => WindowSettingAtLeastOne(option);

    private static LayerArgument GroupsArgument(LayerSpec layer) => new(layer.Options.First(o => o.Name == "Groups").HyperParameter, 0);
}
