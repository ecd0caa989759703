using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Shapes;

/// <summary>How each layer kind constrains its input and computes its output shape.</summary>
internal static class LayerRules
{
    /// <summary>
    /// The shape input <paramref name="index"/> of a layer accepts, when it constrains it; null when
    /// any shape will do. <paramref name="actual"/> picks between forms (BatchNorm1d takes [B, C] or [B, C, L]).
    /// </summary>
    public static Shape? Accepts(LayerSpec layer, int index = 0, Shape? actual = null) => layer.Kind switch
    {
        LayerKind.Linear => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0])),
        LayerKind.Conv2d => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0]), Dim.Symbol("H"), Dim.Symbol("W")),
        LayerKind.Conv1d => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0]), Dim.Symbol("L")),
        LayerKind.MaxPool2d or LayerKind.AvgPool2d or LayerKind.AdaptiveAvgPool2d => Pattern(Dim.Variadic("batch"), Dim.Symbol("H"), Dim.Symbol("W")),
        LayerKind.MaxPool1d or LayerKind.AvgPool1d => Pattern(Dim.Variadic("batch"), Dim.Symbol("L")),
        LayerKind.BatchNorm2d => Pattern(Dim.Symbol("B"), SizeDim(layer.Arguments[0]), Dim.Symbol("H"), Dim.Symbol("W")),
        LayerKind.BatchNorm1d => actual is { Rank: 2, HasVariadic: false }
            ? Pattern(Dim.Symbol("B"), SizeDim(layer.Arguments[0]))
            : Pattern(Dim.Symbol("B"), SizeDim(layer.Arguments[0]), Dim.Symbol("L")),
        LayerKind.LayerNorm or LayerKind.RMSNorm => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0])),
        LayerKind.SelfAttention => Pattern(Dim.Symbol("B"), Dim.Symbol("T"), SizeDim(layer.Arguments[0])),
        LayerKind.CrossAttention => Pattern(Dim.Symbol("B"), Dim.Symbol(index == 0 ? "T" : "S"), SizeDim(layer.Arguments[0])),
        LayerKind.Rnn or LayerKind.Lstm or LayerKind.Gru => Pattern(Dim.Symbol("B"), Dim.Symbol("T"), SizeDim(layer.Arguments[0])),
        _ => null,
    };

    /// <summary>The output for <paramref name="input"/> (the first input), or why the layer cannot produce one (a kernel larger than its input).</summary>
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
            case LayerKind.Conv1d:
            {
                int spatial = layer.Kind == LayerKind.Conv2d ? 2 : 1;
                if (input.Rank < spatial + 1 && !input.HasVariadic) return RuleResult.Unknown;
                long stride = layer.Option("Stride"), padding = layer.Option("Padding"), dilation = layer.Option("Dilation");
                // "same" keeps every spatial dim (PyTorch allows it with stride 1 only; the analyzer reports other strides).
                if (layer.Option("SamePadding") != 0) return RuleResult.Of(ReplaceFromEnd(input, (spatial + 1, SizeDim(layer.Arguments[1]))));
                return Windows(input, spatial, SizeDim(layer.Arguments[2]), stride, padding, dilation, (spatial + 1, SizeDim(layer.Arguments[1])));
            }
            case LayerKind.MaxPool2d:
            case LayerKind.AvgPool2d:
            case LayerKind.MaxPool1d:
            case LayerKind.AvgPool1d:
            {
                int spatial = layer.Kind is LayerKind.MaxPool2d or LayerKind.AvgPool2d ? 2 : 1;
                if (input.Rank < spatial) return RuleResult.Unknown;
                var kernel = SizeDim(layer.Arguments[0]);
                long stride = layer.Option("Stride");
                if (stride == 0) stride = kernel.Kind == DimKind.Constant ? kernel.Value : 0;
                if (stride == 0) return RuleResult.Of(ReplaceFromEnd(input, Enumerable.Range(1, spatial).Select(i => (i, Dim.Unknown)).ToArray()));
                return Windows(input, spatial, kernel, stride, layer.Option("Padding"), 1);
            }
            case LayerKind.AdaptiveAvgPool2d:
            {
                var size = SizeDim(layer.Arguments[0]);
                return RuleResult.Of(ReplaceFromEnd(input, (2, size), (1, size)));
            }
            case LayerKind.Rnn:
            case LayerKind.Lstm:
            case LayerKind.Gru:
                return RuleResult.Of(ReplaceFromEnd(input, (1, RecurrentFeatures(layer))));
            default:
                return new RuleResult(input, null);
        }
    }

    /// <summary>
    /// The shapes a recurrent layer method returns as a tuple: the output sequence, then each
    /// final state <c>[directions*layers, B, hidden]</c>.
    /// </summary>
    public static IReadOnlyList<Shape?> RecurrentResults(LayerSpec layer, Shape? output)
    {
        long directions = layer.Option("Bidirectional") != 0 ? 2 : 1;
        var batch = output is { Rank: 3, HasVariadic: false } ? output.Dims[0] : Dim.Unknown;
        var state = Pattern(Dim.Constant(directions * layer.Option("Layers")), batch, SizeDim(layer.Arguments[1]));
        return Enumerable.Repeat<Shape?>(state, LayerCatalog.Of(layer.Kind).States).Prepend(output).ToList();
    }

    private static Dim RecurrentFeatures(LayerSpec layer) =>
        layer.Option("Bidirectional") != 0 ? Dim.Product(new[] { Dim.Constant(2), SizeDim(layer.Arguments[1]) }) : SizeDim(layer.Arguments[1]);

    /// <summary>The last <paramref name="spatial"/> dims slid over by a window, plus any other replaced dims.</summary>
    private static RuleResult Windows(Shape input, int spatial, Dim kernel, long stride, long padding, long dilation, params (int FromEnd, Dim Dim)[] others)
    {
        var replacements = others.ToList();
        string[] names = spatial == 2 ? ["height", "width"] : ["length"];
        for (int i = 0; i < spatial; i++)
        {
            int fromEnd = spatial - i;
            var (dim, problem) = Window(input.Dims[input.Rank - fromEnd], kernel, stride, padding, dilation, names[i], spatial);
            if (problem is not null) return RuleResult.Fail(problem);
            replacements.Add((fromEnd, dim));
        }
        return RuleResult.Of(ReplaceFromEnd(input, replacements.ToArray()));
    }

    /// <summary>The dim a layer size argument stands for.</summary>
    public static Dim SizeDim(LayerArgument argument) =>
        argument.Size ?? (argument.IsHyperParameter && SizeExpression.IsExpression(argument.HyperParameter!) ? Dim.Unknown : null) ??
        (argument.IsHyperParameter ? Dim.HyperParameter(argument.HyperParameter!, argument.Default) : Dim.Constant((long)argument.Literal));

    /// <summary>
    /// A sliding window's output length: <c>(n + 2p - d(k-1) - 1) / s + 1</c>. Exact for constants;
    /// over a symbol or hyperparameter, the expression itself (<see cref="Dim.Windowed"/>).
    /// </summary>
    private static (Dim Dim, string? Problem) Window(Dim length, Dim kernel, long stride, long padding, long dilation, string what, int spatial)
    {
        if (kernel.Kind != DimKind.Constant || stride < 1) return (Dim.Unknown, null);
        long k = kernel.Value;
        long offset = 2 * padding - dilation * (k - 1) - 1;
        if (length.Kind == DimKind.Constant && length.Value + offset < 0)
        {
            string window = spatial == 2 ? $"{k}x{k}" : $"{k}-wide";
            return (Dim.Unknown, $"a {window} window over a {what} of {length.Value} (padding {padding}) leaves nothing");
        }
        return (Dim.Windowed(length, offset, stride), null);
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
