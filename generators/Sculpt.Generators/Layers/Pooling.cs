using System.Globalization;
using System.Linq;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary>
/// <c>[MaxPool1d(k)]</c>, <c>[AvgPool1d]</c>, <c>[MaxPool2d]</c>, <c>[AvgPool2d]</c>: windows over the last one or two dims;
/// <c>Stride</c> 0 means the kernel size.
/// </summary>
/// <param name="sculptModule">Whether the module is Sculpt's own (<c>Sculpt.Layers</c>), with named stride and padding.</param>
internal sealed class Pooling(string kind, int spatial, bool sculptModule) : LayerDefinition(kind, [Sizes.Kernel], [new("Stride", 0, 0), new("Padding", 0, 0)])
{
    public override string ModuleType => sculptModule ? "global::Sculpt.Layers." + Module : base.ModuleType;

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) =>
        Pattern(new[] { Dim.Variadic("batch") }.Concat((spatial == 1 ? new[] { "L" } : new[] { "H", "W" }).Select(Dim.Symbol)).ToArray());

    public override RuleResult Apply(LayerSpec layer, Shape input)
    {
        if (input.Rank < spatial) return RuleResult.Unknown;
        var kernel = SizeDim(layer.Arguments[0]);
        long stride = layer.Option("Stride");
        if (stride == 0) stride = kernel.Kind == DimKind.Constant ? kernel.Value : 0;
        if (stride == 0) return RuleResult.Of(ReplaceFromEnd(input, Enumerable.Range(1, spatial).Select(i => (i, Dim.Unknown)).ToArray()));
        return Windows(input, spatial, kernel, stride, layer.Option("Padding"), 1);
    }

    private static string Stride(LayerSpec layer, string config) => layer.Option("Stride") == 0 ? SizeText(layer.Arguments[0], config) : OptionText(layer, "Stride");

    public override string Construction(LayerSpec layer, string config) => sculptModule
        ? $"new {ModuleType}({SizeText(layer.Arguments[0], config)}, stride: {Stride(layer, config)}, padding: {OptionText(layer, "Padding")})"
        : $"{Nn}.{Kind}({SizeText(layer.Arguments[0], config)}, {Stride(layer, config)}, {OptionText(layer, "Padding")})";

    public override string Describe(LayerSpec layer, string count)
    {
        string stride = layer.Option("Stride") == 0 ? ArgumentText(layer.Arguments[0]) : layer.Option("Stride").ToString(CultureInfo.InvariantCulture);
        string window = spatial == 1 ? "[*, L] -&gt; [*, L']" : "[*, H, W] -&gt; [*, H', W']";
        return $"{Kind}: {window}, kernel {ArgumentText(layer.Arguments[0])}, stride {stride}, padding {OptionText(layer, "Padding")}; no parameters.";
    }
}

/// <summary>
/// <c>[AdaptiveAvgPool2d(size)]</c> and <c>[AdaptiveMaxPool2d(size)]</c>: <c>[*, H, W] -&gt; [*, size, size]</c> whatever H and W
/// are (size 1 is global pooling).
/// </summary>
internal sealed class AdaptivePool2d(string kind) : LayerDefinition(kind, [Sizes.Output])
{
    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) => Pattern(Dim.Variadic("batch"), Dim.Symbol("H"), Dim.Symbol("W"));

    public override RuleResult Apply(LayerSpec layer, Shape input)
    {
        var size = SizeDim(layer.Arguments[0]);
        return RuleResult.Of(ReplaceFromEnd(input, (2, size), (1, size)));
    }

    // TorchSharp's AdaptiveMaxPool2d takes the size as an array only.
    public override string Construction(LayerSpec layer, string config) => Kind == "AdaptiveMaxPool2d"
        ? $"{Nn}.{Kind}(new long[] {{ {SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[0], config)} }})"
        : $"{Nn}.{Kind}({SizeText(layer.Arguments[0], config)})";

    public override string Describe(LayerSpec layer, string count) =>
        $"{Kind}: [*, H, W] -&gt; [*, {ArgumentText(layer.Arguments[0])}, {ArgumentText(layer.Arguments[0])}]; no parameters.";
}
