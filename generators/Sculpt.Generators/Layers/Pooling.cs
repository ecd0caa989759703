using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary>
/// <c>[MaxPool1d(k)]</c>, <c>[AvgPool1d]</c>, <c>[MaxPool2d]</c>, <c>[AvgPool2d]</c>, <c>[MaxPool3d]</c>, <c>[AvgPool3d]</c>: windows
/// over the last one, two or three dims; <c>Stride</c> 0 means the kernel size. With <c>CeilMode</c> a last partial window
/// counts, as PyTorch's <c>ceil_mode=True</c>: <c>ceil((L + 2*Padding - kernel) / Stride) + 1</c>, less one when that last
/// window would start past the input and its left padding.
/// </summary>
/// <param name="sculptModule">Whether the module is Sculpt's own (<c>Sculpt.Layers</c>), with named stride and padding.</param>
internal sealed class Pooling(string kind, int spatial, bool sculptModule) : LayerDefinition(kind, [Sizes.Kernel], [new("Stride", 0, 0), new("Padding", 0, 0), new("CeilMode", 0, 0)])
{
    public override string ModuleType => sculptModule ? "global::Sculpt.Layers." + Module : base.ModuleType;

    // 2-D and 3-D windows may have a size, stride and padding per dim (new[] { 3, 1 }).
    public override int PerDimCount => spatial > 1 ? spatial : 0;

    public override IReadOnlyList<string> PerDimNames => spatial > 1 ? ["KernelSize", "Stride", "Padding"] : [];


    /// <summary>Window, stride (0: the window) and padding per pooled dim, as constants where known; a window from a hyperparameter is 0.</summary>
    private (long[] Kernels, long[] Strides, long[] Paddings) PerDimSettings(LayerSpec layer)
    {
        var kernels = layer.Arguments[0].PerDim.Count == spatial ? layer.Arguments[0].PerDim.ToArray()
            : Enumerable.Repeat(SizeDim(layer.Arguments[0]) is { Kind: DimKind.Constant } k ? k.Value : 0, spatial).ToArray();
        var strides = layer.OptionPerDim("Stride", spatial).Select((s, i) => s == 0 ? kernels[i] : s).ToArray();
        return (kernels, strides, layer.OptionPerDim("Padding", spatial));
    }

    private static string Longs(IEnumerable<long> values) => "new long[] { " + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + " }";

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) =>
        Pattern(new[] { Dim.Variadic("batch") }.Concat(SpatialNames(spatial).Select(Dim.Symbol)).ToArray());

    public override RuleResult Apply(LayerSpec layer, Shape input)
    {
        if (input.Rank < spatial) return RuleResult.Unknown;
        var (kernels, strides, paddings) = PerDimSettings(layer);
        // A window from a hyperparameter is a dim of its own, and so is the stride it defaults to.
        var kernelDims = kernels.Select(k => k == 0 ? SizeDim(layer.Arguments[0]) : Dim.Constant(k)).ToArray();
        var strideDims = strides.Select((s, i) => s == 0 ? kernelDims[i] : Dim.Constant(s)).ToArray();
        var floor = Windows(input, spatial, kernelDims, strideDims, paddings.Select(Dim.Constant).ToArray(), Enumerable.Repeat(Dim.Constant(1), spatial).ToArray());
        if (layer.Option("CeilMode") == 0 || floor.Output is null) return floor;
        // Ceil mode: exact for a known length, unknown otherwise (it differs from the floor only for some lengths).
        var dims = Enumerable.Range(0, spatial).Select(i =>
        {
            int fromEnd = spatial - i;
            var length = input.Dims[input.Rank - fromEnd];
            if (length.Kind != DimKind.Constant || kernels[i] == 0) return (fromEnd, Dim.Unknown);
            long span = length.Value + 2 * paddings[i] - kernels[i];
            long count = (span + strides[i] - 1) / strides[i] + 1;
            if ((count - 1) * strides[i] >= length.Value + paddings[i]) count--;
            return (fromEnd, Dim.Constant(count));
        }).ToArray();
        return RuleResult.Of(ReplaceFromEnd(floor.Output, dims));
    }

    private static string Stride(LayerSpec layer, string config) => layer.Option("Stride") == 0 ? SizeText(layer.Arguments[0], config) : OptionText(layer, "Stride");

    public override string Construction(LayerSpec layer, string config)
    {
        string kernel = SizeText(layer.Arguments[0], config), ceil = Flag(layer, "CeilMode");
        if (GivenPerDim(layer))
        {
            var (kernels, strides, paddings) = PerDimSettings(layer);
            return sculptModule
                ? $"new {ModuleType}({Longs(kernels)}, strides: {Longs(strides)}, paddings: {Longs(paddings)}, ceilMode: {ceil})"
                : $"{Nn}.{Kind}({Longs(kernels)}, stride: {Longs(strides)}, padding: {Longs(paddings)}, ceil_mode: {ceil})";
        }
        if (sculptModule) return $"new {ModuleType}({kernel}, stride: {Stride(layer, config)}, padding: {OptionText(layer, "Padding")}, ceilMode: {ceil})";
        // TorchSharp's AvgPool1d takes a plain padding; the 3-D modules take nullable settings, named after PyTorch's.
        return Kind switch
        {
            "AvgPool1d" => $"{Nn}.{Kind}({kernel}, {Stride(layer, config)}, {OptionText(layer, "Padding")}, ceil_mode: {ceil})",
            _ => $"{Nn}.{Kind}({kernel}, stride: {Stride(layer, config)}, padding: {OptionText(layer, "Padding")}, ceil_mode: {ceil})",
        };
    }

    public override string Describe(LayerSpec layer, string count)
    {
        if (GivenPerDim(layer))
        {
            var (kernels, strides, paddings) = PerDimSettings(layer);
            string axes = string.Join(", ", SpatialNames(spatial)), moved = string.Join(", ", SpatialNames(spatial).Select(n => n + "'"));
            return $"{Kind}: [*, {axes}] -&gt; [*, {moved}], kernel {string.Join("x", kernels)}, stride {string.Join("x", strides)}, padding {string.Join("x", paddings)}"
                + $"{(layer.Option("CeilMode") != 0 ? ", ceil mode" : "")}; no parameters.";
        }
        string stride = layer.Option("Stride") == 0 ? ArgumentText(layer.Arguments[0]) : layer.Option("Stride").ToString(CultureInfo.InvariantCulture);
        string names = string.Join(", ", SpatialNames(spatial)), primed = string.Join(", ", SpatialNames(spatial).Select(n => n + "'"));
        string ceil = layer.Option("CeilMode") != 0 ? ", ceil mode" : "";
        return $"{Kind}: [*, {names}] -&gt; [*, {primed}], kernel {ArgumentText(layer.Arguments[0])}, stride {stride}, padding {OptionText(layer, "Padding")}{ceil}; no parameters.";
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
