using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>How each layer kind constrains its input and computes its output shape.</summary>
internal static class LayerRules
{
    /// <summary>The input shape a layer accepts, when it constrains it; null when any shape will do.</summary>
    public static Shape? Accepts(LayerSpec layer) => layer.Kind switch
    {
        LayerKind.Linear => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0])),
        LayerKind.Conv2d => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0]), Dim.Symbol("H"), Dim.Symbol("W")),
        LayerKind.MaxPool2d or LayerKind.AvgPool2d or LayerKind.AdaptiveAvgPool2d => Pattern(Dim.Variadic("batch"), Dim.Symbol("H"), Dim.Symbol("W")),
        LayerKind.BatchNorm2d => Pattern(Dim.Symbol("B"), SizeDim(layer.Arguments[0]), Dim.Symbol("H"), Dim.Symbol("W")),
        LayerKind.LayerNorm or LayerKind.RMSNorm => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0])),
        LayerKind.SelfAttention => Pattern(Dim.Symbol("B"), Dim.Symbol("T"), SizeDim(layer.Arguments[0])),
        _ => null,
    };

    /// <summary>The output for <paramref name="input"/>, or why the layer cannot produce one (a kernel larger than its input).</summary>
    public static RuleResult Apply(LayerSpec layer, Shape? input)
    {
        if (layer.Kind == LayerKind.Embedding)
        {
            return input is null ? RuleResult.Unknown : RuleResult.Of(input.Dims.Concat(new[] { SizeDim(layer.Arguments[1]) }));
        }
        if (input is null) return RuleResult.Unknown;
        switch (layer.Kind)
        {
            case LayerKind.Linear:
                return RuleResult.Of(ReplaceFromEnd(input, (1, SizeDim(layer.Arguments[1]))));
            case LayerKind.Conv2d:
            {
                if (input.Rank < 3 && !input.HasVariadic) return RuleResult.Unknown;
                long stride = layer.Option("Stride"), padding = layer.Option("Padding"), dilation = layer.Option("Dilation");
                var kernel = SizeDim(layer.Arguments[2]);
                var (height, heightProblem) = Window(input.Dims[input.Rank - 2], kernel, stride, padding, dilation, "height");
                var (width, widthProblem) = Window(input.Dims[input.Rank - 1], kernel, stride, padding, dilation, "width");
                if ((heightProblem ?? widthProblem) is { } problem) return RuleResult.Fail(problem);
                return RuleResult.Of(ReplaceFromEnd(input, (3, SizeDim(layer.Arguments[1])), (2, height), (1, width)));
            }
            case LayerKind.MaxPool2d:
            case LayerKind.AvgPool2d:
            {
                if (input.Rank < 2) return RuleResult.Unknown;
                var kernel = SizeDim(layer.Arguments[0]);
                long stride = layer.Option("Stride");
                if (stride == 0) stride = kernel.Kind == DimKind.Constant ? kernel.Value : 0;
                if (stride == 0) return RuleResult.Of(ReplaceFromEnd(input, (2, Dim.Unknown), (1, Dim.Unknown)));
                long padding = layer.Option("Padding");
                var (height, heightProblem) = Window(input.Dims[input.Rank - 2], kernel, stride, padding, 1, "height");
                var (width, widthProblem) = Window(input.Dims[input.Rank - 1], kernel, stride, padding, 1, "width");
                if ((heightProblem ?? widthProblem) is { } problem) return RuleResult.Fail(problem);
                return RuleResult.Of(ReplaceFromEnd(input, (2, height), (1, width)));
            }
            case LayerKind.AdaptiveAvgPool2d:
            {
                var size = SizeDim(layer.Arguments[0]);
                return RuleResult.Of(ReplaceFromEnd(input, (2, size), (1, size)));
            }
            default:
                return new RuleResult(input, null);
        }
    }

    /// <summary>The dim a layer size argument stands for.</summary>
    public static Dim SizeDim(LayerArgument argument) =>
        argument.IsHyperParameter ? Dim.HyperParameter(argument.HyperParameter!) : Dim.Constant((long)argument.Literal);

    /// <summary>
    /// A sliding window's output length: <c>(n + 2p - d(k-1) - 1) / s + 1</c>. Exact for constants;
    /// a symbol survives only where the window keeps the length (stride 1, "same" padding).
    /// </summary>
    private static (Dim Dim, string? Problem) Window(Dim length, Dim kernel, long stride, long padding, long dilation, string what)
    {
        if (kernel.Kind != DimKind.Constant || stride < 1) return (Dim.Unknown, null);
        long k = kernel.Value;
        if (length.Kind == DimKind.Constant)
        {
            long span = length.Value + 2 * padding - dilation * (k - 1) - 1;
            if (span < 0) return (Dim.Unknown, $"a {k}x{k} window over a {what} of {length.Value} (padding {padding}) leaves nothing");
            return (Dim.Constant(span / stride + 1), null);
        }
        return stride == 1 && 2 * padding == dilation * (k - 1) ? (length, null) : (Dim.Unknown, null);
    }

    private static Shape Pattern(params Dim[] dims) => new(dims.ToEquatableArray());

    private static IEnumerable<Dim> ReplaceFromEnd(Shape input, params (int FromEnd, Dim Dim)[] replacements)
    {
        var dims = input.Dims.ToList();
        foreach (var (fromEnd, dim) in replacements)
        {
            if (dims.Count >= fromEnd) dims[dims.Count - fromEnd] = dim;
        }
        return dims;
    }
}
