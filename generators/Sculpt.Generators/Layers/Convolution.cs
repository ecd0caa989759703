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

    // In low precision under --precision, with the module's own settings (LowPrecision.Convolution).
    public override string Call(LayerSpec layer, string module, IReadOnlyList<string> arguments) => $"{MixedPrecision}.Convolution({module}, {arguments[0]})";

    public override IReadOnlyList<string> SymbolicOptions => ["Stride", "Padding", "Dilation", "Groups"];

    private IEnumerable<Dim> Spatial => SpatialNames(spatial).Select(Dim.Symbol);

    // Conv2d and Conv3d take a kernel, stride, padding and dilation per spatial dim (Inception's 1x7 and 7x1).
    public override int PerDimCount => spatial > 1 ? spatial : 0;

    public override IReadOnlyList<string> PerDimNames => spatial > 1 ? ["KernelSize", "Stride", "Padding", "Dilation"] : [];


    private Dim[] Kernels(LayerSpec layer) => layer.Arguments[2].PerDim.Count == spatial
        ? layer.Arguments[2].PerDim.Select(Dim.Constant).ToArray()
        : Enumerable.Repeat(SizeDim(layer.Arguments[2]), spatial).ToArray();

    /// <summary>A setting as C#: one value, or a tuple of one per dim when the module is built from tuples.</summary>
    private string Setting(LayerSpec layer, string name, string config)
    {
        if (!GivenPerDim(layer)) return OptionText(layer, name, config);
        var option = layer.Options.FirstOrDefault(o => o.Name == name);
        var values = option is { PerDim.Count: > 0 }
            ? option.PerDim.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L")
            : Enumerable.Repeat(option?.HyperParameter is null ? OptionText(layer, name, config) + "L" : "(long)" + OptionText(layer, name, config), spatial);
        return "(" + string.Join(", ", values) + ")";
    }

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) =>
        Pattern(new[] { Dim.Variadic("batch"), SizeDim(layer.Arguments[0]) }.Concat(Spatial).ToArray());

    public override RuleResult Apply(LayerSpec layer, Shape input)
    {
        if (input.Rank < spatial + 1 && !input.HasVariadic) return RuleResult.Unknown;
        var channels = (spatial + 1, SizeDim(layer.Arguments[1]));
        // "same" keeps every spatial dim (PyTorch allows it with stride 1 only; the analyzer reports other strides).
        if (layer.Option("SamePadding") != 0) return RuleResult.Of(ReplaceFromEnd(input, channels));
        return Windows(input, spatial, Kernels(layer), SettingDims(layer, "Stride", spatial), SettingDims(layer, "Padding", spatial), SettingDims(layer, "Dilation", spatial), channels);
    }

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer)
    {
        var a = layer.Arguments;
        // A kernel given per dim is its product, a constant; one size is a factor per dim.
        long area = a[2].PerDim.Count > 0 ? a[2].PerDim.Aggregate(1L, (x, y) => x * y) : 1;
        var factors = new[] { a[1], a[0] }.Concat(a[2].PerDim.Count > 0 ? [] : Enumerable.Repeat(a[2], spatial)).ToArray();
        yield return layer.IsSymbolic("Groups")
            ? new ParameterTerm(area, factors) { SymbolicDivisor = GroupsArgument(layer) }
            : new ParameterTerm(area, factors, layer.Option("Groups"));
        if (layer.Bias) yield return Term(a[1]);
    }

    public override string MultiplyAdds(LayerSpec layer, string config)
    {
        string kernel = layer.Arguments[2].PerDim.Count > 0
            ? layer.Arguments[2].PerDim.Aggregate(1L, (x, y) => x * y).ToString(System.Globalization.CultureInfo.InvariantCulture) + "L"
            : string.Join(" * ", Enumerable.Repeat(LongSize(layer.Arguments[2], config), spatial));
        string groups = layer.IsSymbolic("Groups") ? $" / (long){OptionText(layer, "Groups", config)}" : layer.Option("Groups") == 1 ? "" : $" / {layer.Option("Groups")}L";
        return $"o.Elements * {LongSize(layer.Arguments[0], config)} * {kernel}{groups}";
    }

    public override string Construction(LayerSpec layer, string config)
    {
        string kernel = layer.Arguments[2].PerDim.Count > 0
            ? "(" + string.Join(", ", layer.Arguments[2].PerDim.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L")) + ")"
            : GivenPerDim(layer) ? "(" + string.Join(", ", Enumerable.Repeat("(long)" + SizeText(layer.Arguments[2], config), spatial)) + ")" : SizeText(layer.Arguments[2], config);
        string sizes = $"{SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[1], config)}, {kernel}";
        // Positional: a named `padding: 0` would also fit the overload whose padding is an enum.
        string rest = layer.Option("SamePadding") != 0
            ? $"global::TorchSharp.Padding.Same, {Setting(layer, "Stride", config)}, {Setting(layer, "Dilation", config)}"
            : $"{Setting(layer, "Stride", config)}, {Setting(layer, "Padding", config)}, {Setting(layer, "Dilation", config)}";
        return $"{Nn}.{Kind}({sizes}, {rest}, global::TorchSharp.PaddingModes.Zeros, {OptionText(layer, "Groups", config)}, {(layer.Bias ? "true" : "false")})";
    }

    public override string Describe(LayerSpec layer, string count)
    {
        string dims = string.Join(", ", SpatialNames(spatial));
        string primed = string.Join(", ", SpatialNames(spatial).Select(n => n + "'"));
        string PerDimText(string name) => layer.Options.FirstOrDefault(o => o.Name == name) is { PerDim.Count: > 0 } option ? string.Join("x", option.PerDim) : OptionText(layer, name);
        string padding = layer.Option("SamePadding") != 0 ? "same" : PerDimText("Padding");
        string kernel = layer.Arguments[2].PerDim.Count > 0 ? string.Join("x", layer.Arguments[2].PerDim) : ArgumentText(layer.Arguments[2]);
        return $"{Kind}: [*, {ArgumentText(layer.Arguments[0])}, {dims}] -&gt; [*, {ArgumentText(layer.Arguments[1])}, {primed}], kernel {kernel}, "
            + $"stride {PerDimText("Stride")}, padding {padding}, dilation {PerDimText("Dilation")}, groups {OptionText(layer, "Groups")}; {count} parameters.";
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
