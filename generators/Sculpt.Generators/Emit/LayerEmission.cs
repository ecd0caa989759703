using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sculpt.Generators.Model;
using Sculpt.Generators.Parsing;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Emit;

/// <summary>How each layer kind is built, counted and described in generated code.</summary>
internal static class LayerEmission
{
    private const string Nn = "global::TorchSharp.torch.nn";

    public static string ModuleType(LayerSpec layer) =>
        (IsSculptLayer(layer.Kind) ? "global::Sculpt.Layers." : "global::TorchSharp.Modules.") + LayerCatalog.Of(layer.Kind).Module;

    /// <summary>Layers whose weights an init scheme sets (norms keep ones and zeros; the rest have no parameters).</summary>
    public static bool TakesInitScheme(LayerKind kind) => kind is LayerKind.Linear or LayerKind.Conv1d or LayerKind.Conv2d or LayerKind.Embedding
        or LayerKind.SelfAttention or LayerKind.CrossAttention or LayerKind.Rnn or LayerKind.Lstm or LayerKind.Gru;

    /// <summary>Layers TorchSharp does not have in the form Sculpt needs, written in <c>Sculpt.Layers</c>.</summary>
    private static bool IsSculptLayer(LayerKind kind) => kind is LayerKind.SelfAttention or LayerKind.CrossAttention or LayerKind.RMSNorm or LayerKind.MaxPool1d or LayerKind.MaxPool2d or LayerKind.AvgPool2d;

    /// <summary>The TorchSharp call that builds the layer, its sizes read from <paramref name="config"/>.</summary>
    public static string Construction(LayerSpec layer, string config)
    {
        string Size(int i) => SizeText(layer.Arguments[i], config);
        string bias = layer.Bias ? "true" : "false";
        string Option(string name) => layer.Option(name).ToString(CultureInfo.InvariantCulture);
        string PoolStride() => layer.Option("Stride") == 0 ? Size(0) : Option("Stride");
        string Flag(string name) => layer.Option(name) != 0 ? "true" : "false";
        string Recurrent(string module) =>
            $"{Nn}.{module}({Size(0)}, {Size(1)}, numLayers: {Option("Layers")}, bias: {bias}, batchFirst: true, bidirectional: {Flag("Bidirectional")})";
        return layer.Kind switch
        {
            LayerKind.Linear => $"{Nn}.Linear({Size(0)}, {Size(1)}, {bias})",
            LayerKind.Dropout or LayerKind.Dropout1d or LayerKind.Dropout2d or LayerKind.AlphaDropout => $"{Nn}.{layer.Kind}({RateText(layer.Arguments[0], config)})",
            LayerKind.Identity => $"{Nn}.Identity()",
            LayerKind.MaxPool1d => $"new global::Sculpt.Layers.MaxPool1d({Size(0)}, stride: {PoolStride()}, padding: {Option("Padding")})",
            LayerKind.AvgPool1d => $"{Nn}.AvgPool1d({Size(0)}, {PoolStride()}, {Option("Padding")})",
            LayerKind.BatchNorm1d => $"{Nn}.BatchNorm1d({Size(0)})",
            LayerKind.Rnn => Recurrent("RNN"),
            LayerKind.Lstm => Recurrent("LSTM"),
            LayerKind.Gru => Recurrent("GRU"),
            LayerKind.CrossAttention => $"new global::Sculpt.Layers.CrossAttention({Size(0)}, {Size(1)})",
            // Before the plain arms, which would match a same-padded convolution too. Positional: a named
            // `padding: 0` would also fit the overload whose padding is an enum.
            LayerKind.Conv2d or LayerKind.Conv1d when layer.Option("SamePadding") != 0 =>
                $"{Nn}.{layer.Kind}({Size(0)}, {Size(1)}, {Size(2)}, global::TorchSharp.Padding.Same, {Option("Stride")}, {Option("Dilation")}, global::TorchSharp.PaddingModes.Zeros, {Option("Groups")}, {bias})",
            LayerKind.Conv1d => $"{Nn}.Conv1d({Size(0)}, {Size(1)}, {Size(2)}, {Option("Stride")}, {Option("Padding")}, {Option("Dilation")}, global::TorchSharp.PaddingModes.Zeros, {Option("Groups")}, {bias})",
            LayerKind.Conv2d => $"{Nn}.Conv2d({Size(0)}, {Size(1)}, {Size(2)}, {Option("Stride")}, {Option("Padding")}, {Option("Dilation")}, global::TorchSharp.PaddingModes.Zeros, {Option("Groups")}, {bias})",
            LayerKind.MaxPool2d => $"new global::Sculpt.Layers.MaxPool2d({Size(0)}, stride: {PoolStride()}, padding: {Option("Padding")})",
            LayerKind.AvgPool2d => $"new global::Sculpt.Layers.AvgPool2d({Size(0)}, stride: {PoolStride()}, padding: {Option("Padding")})",
            LayerKind.BatchNorm2d => $"{Nn}.BatchNorm2d({Size(0)})",
            LayerKind.LayerNorm => $"{Nn}.LayerNorm({Size(0)})",
            LayerKind.AdaptiveAvgPool2d => $"{Nn}.AdaptiveAvgPool2d({Size(0)})",
            LayerKind.RMSNorm => $"new global::Sculpt.Layers.RMSNorm({Size(0)})",
            LayerKind.SelfAttention => $"new global::Sculpt.Layers.SelfAttention({Size(0)}, {Size(1)}, causal: {(layer.Option("Causal") != 0 ? "true" : "false")})",
            _ => $"{Nn}.Embedding({Size(0)}, {Size(1)})",
        };
    }

    /// <summary>The layer's trainable parameter count as a C# expression over <paramref name="config"/>, literals folded.</summary>
    public static string ParameterCount(LayerSpec layer, string config) => Sum(Terms(layer), config, forDocs: false);

    private static IEnumerable<Product> Terms(LayerSpec layer)
    {
        var a = layer.Arguments;
        var terms = layer.Kind switch
        {
            // A tied weight belongs to the layer it is tied to and is counted there.
            LayerKind.Linear => new[] { Term(a[0], a[1]), Term(a[1]) }.Where((_, i) => i == 0 ? layer.TiedTo is null : layer.Bias).ToArray(),
            LayerKind.Conv2d => Convolution(layer, kernelDims: 2),
            LayerKind.Conv1d => Convolution(layer, kernelDims: 1),
            LayerKind.BatchNorm2d or LayerKind.BatchNorm1d or LayerKind.LayerNorm => new[] { Term(a[0]) with { Constant = 2 } },
            LayerKind.Embedding => new[] { Term(a[0], a[1]) },
            LayerKind.RMSNorm => new[] { Term(a[0]) },
            LayerKind.SelfAttention or LayerKind.CrossAttention => new[] { Term(a[0], a[0]) with { Constant = 4 }, Term(a[0]) with { Constant = 4 } },
            LayerKind.Rnn or LayerKind.Lstm or LayerKind.Gru => RecurrentTerms(layer),
            _ => new Product[0],
        };
        return terms;
    }

    /// <summary>
    /// The multiply-adds of one call as a C# expression over its concrete output shape <c>o</c> and
    /// <paramref name="config"/>; "null" where the output does not determine them (cross-attention's context length).
    /// </summary>
    public static string MultiplyAdds(LayerSpec layer, string config)
    {
        string Size(int i) => layer.Arguments[i].IsHyperParameter ? "(long)" + SizeText(layer.Arguments[i], config) : SizeText(layer.Arguments[i], config) + "L";
        long Option(string name) => layer.Option(name);
        switch (layer.Kind)
        {
            case LayerKind.Linear:
                return $"o.Elements * {Size(0)}";
            case LayerKind.Conv1d:
            case LayerKind.Conv2d:
            {
                string kernel = layer.Kind == LayerKind.Conv2d ? $"{Size(2)} * {Size(2)}" : Size(2);
                string groups = Option("Groups") == 1 ? "" : $" / {Option("Groups")}L";
                return $"o.Elements * {Size(0)} * {kernel}{groups}";
            }
            case LayerKind.SelfAttention:
                // Four dim x dim projections per position, and scores and weighted values over T positions.
                return $"o.Elements * (4L * {Size(0)} + 2L * o[^2])";
            case LayerKind.Rnn:
            case LayerKind.Lstm:
            case LayerKind.Gru:
            {
                // Every weight is used once per sequence position.
                var weights = RecurrentTerms(layer).Take(2);
                return $"o[^3] * o[^2] * ({Sum(weights, config, forDocs: false)})";
            }
            case LayerKind.CrossAttention:
                return "null";
            default:
                return "0L";
        }
    }

    /// <summary>What the layer does, for its XML doc comment.</summary>
    public static string Describe(LayerSpec layer)
    {
        string Text(int i) => ArgumentText(layer.Arguments[i]);
        string PaddingText() => layer.Option("SamePadding") != 0 ? "same" : layer.Option("Padding").ToString(CultureInfo.InvariantCulture);
        string RateDoc() => layer.Arguments[0].IsHyperParameter ? layer.Arguments[0].HyperParameter! : SourceWriter.Literal(layer.Arguments[0].Literal);
        string count = Sum(Terms(layer), "", forDocs: true);
        if (!count.All(char.IsDigit)) count = "<c>" + count + "</c>";
        // Shapes and products as code: in a Markdown hover, [*, 256] would lose its asterisks to emphasis.
        return System.Text.RegularExpressions.Regex.Replace(Base(), @"\[[^\[\]]*\]", "<c>$0</c>") + InitText(layer);

        string Base() => layer.Kind switch
        {
            LayerKind.Linear => $"Linear: [*, {Text(0)}] -&gt; [*, {Text(1)}]{(layer.Bias ? ", with bias" : ", no bias")}{(layer.TiedTo is null ? "" : $", weight tied to <see cref=\"{layer.TiedTo}\"/>")}; {count} parameters.",
            LayerKind.Dropout or LayerKind.AlphaDropout => $"{layer.Kind} with p = {RateDoc()}; shape unchanged; identity in eval mode.",
            LayerKind.Dropout1d => $"Dropout1d with p = {RateDoc()}: zeroes whole channels of [B, C, L]; shape unchanged; identity in eval mode.",
            LayerKind.Dropout2d => $"Dropout2d with p = {RateDoc()}: zeroes whole channels of [B, C, H, W]; shape unchanged; identity in eval mode.",
            LayerKind.Identity => "Identity: returns its input; no parameters.",
            LayerKind.Conv1d => $"Conv1d: [*, {Text(0)}, L] -&gt; [*, {Text(1)}, L'], kernel {Text(2)}, stride {layer.Option("Stride")}, padding {PaddingText()}, dilation {layer.Option("Dilation")}, groups {layer.Option("Groups")}; {count} parameters.",
            LayerKind.MaxPool1d or LayerKind.AvgPool1d => $"{layer.Kind}: [*, L] -&gt; [*, L'], kernel {Text(0)}, stride {(layer.Option("Stride") == 0 ? Text(0) : layer.Option("Stride").ToString(CultureInfo.InvariantCulture))}, padding {layer.Option("Padding")}; no parameters.",
            LayerKind.BatchNorm1d => $"BatchNorm1d over {Text(0)} channels: [B, {Text(0)}] or [B, {Text(0)}, L], shape unchanged; {count} parameters (and running statistics).",
            LayerKind.Rnn or LayerKind.Lstm or LayerKind.Gru => DescribeRecurrent(layer, count),
            LayerKind.CrossAttention => $"Cross-attention with {Text(1)} heads: queries [B, T, {Text(0)}] attend to a context [B, S, {Text(0)}] -&gt; [B, T, {Text(0)}]; {count} parameters.",
            LayerKind.Conv2d => $"Conv2d: [*, {Text(0)}, H, W] -&gt; [*, {Text(1)}, H', W'], kernel {Text(2)}, stride {layer.Option("Stride")}, padding {PaddingText()}, dilation {layer.Option("Dilation")}, groups {layer.Option("Groups")}; {count} parameters.",
            LayerKind.MaxPool2d or LayerKind.AvgPool2d => $"{layer.Kind}: [*, H, W] -&gt; [*, H', W'], kernel {Text(0)}, stride {(layer.Option("Stride") == 0 ? Text(0) : layer.Option("Stride").ToString(CultureInfo.InvariantCulture))}, padding {layer.Option("Padding")}; no parameters.",
            LayerKind.BatchNorm2d => $"BatchNorm2d over {Text(0)} channels: [B, {Text(0)}, H, W], shape unchanged; {count} parameters (and running statistics).",
            LayerKind.LayerNorm => $"LayerNorm over the last dim: [*, {Text(0)}], shape unchanged; {count} parameters.",
            LayerKind.RMSNorm => $"RMSNorm over the last dim: [*, {Text(0)}], shape unchanged; {count} parameters.",
            LayerKind.AdaptiveAvgPool2d => $"AdaptiveAvgPool2d: [*, H, W] -&gt; [*, {Text(0)}, {Text(0)}]; no parameters.",
            LayerKind.SelfAttention => $"{(layer.Option("Causal") != 0 ? "Causal s" : "S")}elf-attention with {Text(1)} heads: [B, T, {Text(0)}], shape unchanged; {count} parameters.",
            _ => $"Embedding: indices [*] -&gt; [*, {Text(1)}] from {Text(0)} rows; {count} parameters.",
        };
    }

    /// <summary>
    /// How the layer's parameters start, as <c>Initialization.Apply</c> sets them; empty for PyTorch's
    /// defaults and for layers a scheme does not touch (dropout, pooling, norms, identity).
    /// </summary>
    private static string InitText(LayerSpec layer)
    {
        if (layer.Init is not { } init || !TakesInitScheme(layer.Kind)) return "";
        string biases = layer.Kind is LayerKind.Embedding ? "" : ", biases at zero";
        if (layer.TiedTo is not null) return layer.Bias ? " Its bias starts at zero." : "";
        if (init.Scheme != "Normal") return $" Weights start from {init.Scheme}{biases}.";
        string std = SourceWriter.Literal(init.Std);
        string scaled = init.ScaleByDepth is { } depth ? $"{std}/sqrt(2*{depth})" : std;
        return layer.Kind switch
        {
            LayerKind.Linear => $" Weights start from N(0, {scaled}){biases}.",
            LayerKind.SelfAttention or LayerKind.CrossAttention when init.ScaleByDepth is not null =>
                $" Weights start from N(0, {std}), the output projection's from N(0, {scaled}){biases}.",
            _ => $" Weights start from N(0, {std}){biases}.",
        };
    }

    public static string SizeText(LayerArgument argument, string config) =>
        argument.Size is not null ? SizeExpression.ToCSharp(argument.HyperParameter!, name => $"{config}.{Names.Identifier(name)}")
        : argument.IsHyperParameter ? $"{config}.{Names.Identifier(argument.HyperParameter!)}"
        : SourceWriter.Literal((long)argument.Literal);

    private static string RateText(LayerArgument argument, string config) =>
        argument.IsHyperParameter ? $"{config}.{Names.Identifier(argument.HyperParameter!)}" : SourceWriter.Literal(argument.Literal);

    private static string ArgumentText(LayerArgument argument) =>
        argument.IsHyperParameter ? argument.HyperParameter! : SourceWriter.Literal((long)argument.Literal);

    /// <summary>A product of a constant and layer arguments.</summary>
    private sealed record Product(long Constant, LayerArgument[] Factors, long Divisor = 1);

    private static Product Term(params LayerArgument[] factors) => new(1, factors);

    private static Product[] Convolution(LayerSpec layer, int kernelDims)
    {
        var a = layer.Arguments;
        long groups = layer.Option("Groups");
        var weights = new Product(1, new[] { a[1], a[0] }.Concat(Enumerable.Repeat(a[2], kernelDims)).ToArray(), groups);
        return layer.Bias ? new[] { weights, Term(a[1]) } : new[] { weights };
    }

    /// <summary>
    /// Per direction and gate: layer 0 has <c>in*H + H*H</c> weights, each later layer
    /// <c>dirs*H*H + H*H</c>, and every layer two biases of H.
    /// </summary>
    private static Product[] RecurrentTerms(LayerSpec layer)
    {
        var a = layer.Arguments;
        long gates = layer.Kind switch { LayerKind.Lstm => 4, LayerKind.Gru => 3, _ => 1 };
        long directions = layer.Option("Bidirectional") != 0 ? 2 : 1;
        long layers = layer.Option("Layers");
        long scale = directions * gates;
        var terms = new List<Product>
        {
            Term(a[0], a[1]) with { Constant = scale },
            Term(a[1], a[1]) with { Constant = scale * (1 + (layers - 1) * (directions + 1)) },
        };
        if (layer.Bias) terms.Add(Term(a[1]) with { Constant = scale * 2 * layers });
        return terms.ToArray();
    }

    private static string DescribeRecurrent(LayerSpec layer, string count)
    {
        string input = ArgumentText(layer.Arguments[0]), hidden = ArgumentText(layer.Arguments[1]);
        long directions = layer.Option("Bidirectional") != 0 ? 2 : 1;
        long layers = layer.Option("Layers");
        string output = directions == 2 ? "2*" + hidden : hidden;
        string states = LayerCatalog.Of(layer.Kind).States == 2 ? "hidden and cell states" : "hidden state";
        return $"{LayerCatalog.Of(layer.Kind).Module}, {layers} layer{(layers == 1 ? "" : "s")}{(directions == 2 ? ", bidirectional" : "")}, batch first: "
            + $"[B, T, {input}] -&gt; [B, T, {output}]; final {states} [{directions * layers}, B, {hidden}]; {count} parameters.";
    }

    /// <summary>The sum of products as C# (<c>784L * (long)config.Hidden</c>) or, for docs, as text (<c>784*Hidden</c>).</summary>
    private static string Sum(IEnumerable<Product> terms, string config, bool forDocs)
    {
        string suffix = forDocs ? "" : "L";
        string multiply = forDocs ? "*" : " * ";
        long constant = 0;
        var parts = new List<string>();
        foreach (var term in terms)
        {
            long value = term.Constant;
            var symbolic = new List<string>();
            foreach (var factor in term.Factors)
            {
                if (factor.IsHyperParameter) symbolic.Add(forDocs ? (factor.Size is null ? factor.HyperParameter! : "(" + factor.HyperParameter + ")") : "(long)" + SizeText(factor, config));
                else value *= (long)factor.Literal;
            }
            if (symbolic.Count == 0)
            {
                constant += value / term.Divisor;
                continue;
            }
            string product = string.Join(multiply, (value == 1 ? new string[0] : new[] { SourceWriter.Literal(value) + suffix }).Concat(symbolic));
            parts.Add(term.Divisor == 1 ? product : $"{product} / {term.Divisor}{suffix}");
        }
        if (constant != 0 || parts.Count == 0) parts.Add(SourceWriter.Literal(constant) + suffix);
        return string.Join(" + ", parts);
    }
}
