using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary>
/// <c>[Upsample(scale)]</c>: <c>[*, C, H, W] -&gt; [*, C, scale*H, scale*W]</c> by an integer factor, nearest neighbour
/// (or <c>Bilinear = true</c>, corners not aligned, as PyTorch's default); no parameters.
/// </summary>
internal sealed class Upsample() : LayerDefinition("Upsample", [new("The scale factor", ArgumentRole.Size)], [new("Bilinear", 0, 0)])
{
    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) =>
        Pattern(Dim.Variadic("batch"), Dim.Symbol("C"), Dim.Symbol("H"), Dim.Symbol("W"));

    public override RuleResult Apply(LayerSpec layer, Shape input)
    {
        var scale = SizeDim(layer.Arguments[0]);
        Dim Scaled(Dim length) => Dim.Product([scale, length]);
        return RuleResult.Of(ReplaceFromEnd(input, (2, Scaled(input.Dims[input.Rank - 2])), (1, Scaled(input.Dims[input.Rank - 1]))));
    }

    public override string Construction(LayerSpec layer, string config)
    {
        string scale = $"(double){SizeText(layer.Arguments[0], config)}";
        return layer.Option("Bilinear") != 0
            ? $"{Nn}.Upsample(null, new double[] {{ {scale}, {scale} }}, global::TorchSharp.torch.UpsampleMode.Bilinear, false)"
            : $"{Nn}.Upsample(null, new double[] {{ {scale}, {scale} }}, global::TorchSharp.torch.UpsampleMode.Nearest)";
    }

    public override string Describe(LayerSpec layer, string count)
    {
        string s = ArgumentText(layer.Arguments[0]);
        return $"Upsample by {s}, {(layer.Option("Bilinear") != 0 ? "bilinear" : "nearest")}: [*, C, H, W] -&gt; [*, C, {s}*H, {s}*W]; no parameters.";
    }
}
