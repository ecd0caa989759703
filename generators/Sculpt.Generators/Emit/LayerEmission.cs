using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Emit;

/// <summary>How each layer kind is built, counted and described in generated code.</summary>
internal static class LayerEmission
{
    private const string Nn = "global::TorchSharp.torch.nn";

    public static string ModuleType(LayerSpec layer) =>
        (layer.Kind is LayerKind.SelfAttention or LayerKind.RMSNorm ? "global::Sculpt.Layers." : "global::TorchSharp.Modules.") + LayerCatalog.Of(layer.Kind).Module;

    /// <summary>The TorchSharp call that builds the layer, its sizes read from <paramref name="config"/>.</summary>
    public static string Construction(LayerSpec layer, string config)
    {
        string Size(int i) => SizeText(layer.Arguments[i], config);
        string bias = layer.Bias ? "true" : "false";
        string Option(string name) => layer.Option(name).ToString(CultureInfo.InvariantCulture);
        string PoolStride() => layer.Option("Stride") == 0 ? Size(0) : Option("Stride");
        return layer.Kind switch
        {
            LayerKind.Linear => $"{Nn}.Linear({Size(0)}, {Size(1)}, {bias})",
            LayerKind.Dropout => $"{Nn}.Dropout({RateText(layer.Arguments[0], config)})",
            // Positional: a named `padding: 0` would also fit the overload whose padding is an enum.
            LayerKind.Conv2d => $"{Nn}.Conv2d({Size(0)}, {Size(1)}, {Size(2)}, {Option("Stride")}, {Option("Padding")}, {Option("Dilation")}, global::TorchSharp.PaddingModes.Zeros, {Option("Groups")}, {bias})",
            LayerKind.MaxPool2d => $"{Nn}.MaxPool2d({Size(0)}, stride: {PoolStride()}, padding: {Option("Padding")})",
            LayerKind.AvgPool2d => $"{Nn}.AvgPool2d({Size(0)}, stride: {PoolStride()}, padding: {Option("Padding")})",
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
            LayerKind.Linear => layer.Bias ? new[] { Term(a[0], a[1]), Term(a[1]) } : new[] { Term(a[0], a[1]) },
            LayerKind.Conv2d => Convolution(layer),
            LayerKind.BatchNorm2d or LayerKind.LayerNorm => new[] { Term(a[0]) with { Constant = 2 } },
            LayerKind.Embedding => new[] { Term(a[0], a[1]) },
            LayerKind.RMSNorm => new[] { Term(a[0]) },
            LayerKind.SelfAttention => new[] { Term(a[0], a[0]) with { Constant = 4 }, Term(a[0]) with { Constant = 4 } },
            _ => new Product[0],
        };
        return terms;
    }

    /// <summary>What the layer does, for its XML doc comment.</summary>
    public static string Describe(LayerSpec layer)
    {
        string Text(int i) => ArgumentText(layer.Arguments[i]);
        string count = Sum(Terms(layer), "", forDocs: true);
        return layer.Kind switch
        {
            LayerKind.Linear => $"Linear: [*, {Text(0)}] -&gt; [*, {Text(1)}]{(layer.Bias ? ", with bias" : ", no bias")}; {count} parameters.",
            LayerKind.Dropout => $"Dropout with p = {(layer.Arguments[0].IsHyperParameter ? layer.Arguments[0].HyperParameter : SourceWriter.Literal(layer.Arguments[0].Literal))}; shape unchanged; identity in eval mode.",
            LayerKind.Conv2d => $"Conv2d: [*, {Text(0)}, H, W] -&gt; [*, {Text(1)}, H', W'], kernel {Text(2)}, stride {layer.Option("Stride")}, padding {layer.Option("Padding")}, dilation {layer.Option("Dilation")}, groups {layer.Option("Groups")}; {count} parameters.",
            LayerKind.MaxPool2d or LayerKind.AvgPool2d => $"{layer.Kind}: [*, H, W] -&gt; [*, H', W'], kernel {Text(0)}, stride {(layer.Option("Stride") == 0 ? Text(0) : layer.Option("Stride").ToString(CultureInfo.InvariantCulture))}, padding {layer.Option("Padding")}; no parameters.",
            LayerKind.BatchNorm2d => $"BatchNorm2d over {Text(0)} channels: [B, {Text(0)}, H, W], shape unchanged; {count} parameters (and running statistics).",
            LayerKind.LayerNorm => $"LayerNorm over the last dim: [*, {Text(0)}], shape unchanged; {count} parameters.",
            LayerKind.RMSNorm => $"RMSNorm over the last dim: [*, {Text(0)}], shape unchanged; {count} parameters.",
            LayerKind.AdaptiveAvgPool2d => $"AdaptiveAvgPool2d: [*, H, W] -&gt; [*, {Text(0)}, {Text(0)}]; no parameters.",
            LayerKind.SelfAttention => $"{(layer.Option("Causal") != 0 ? "Causal s" : "S")}elf-attention with {Text(1)} heads: [B, T, {Text(0)}], shape unchanged; {count} parameters.",
            _ => $"Embedding: indices [*] -&gt; [*, {Text(1)}] from {Text(0)} rows; {count} parameters.",
        };
    }

    public static string SizeText(LayerArgument argument, string config) =>
        argument.IsHyperParameter ? $"{config}.{SourceWriter.Identifier(argument.HyperParameter!)}" : SourceWriter.Literal((long)argument.Literal);

    private static string RateText(LayerArgument argument, string config) =>
        argument.IsHyperParameter ? $"{config}.{SourceWriter.Identifier(argument.HyperParameter!)}" : SourceWriter.Literal(argument.Literal);

    private static string ArgumentText(LayerArgument argument) =>
        argument.IsHyperParameter ? argument.HyperParameter! : SourceWriter.Literal((long)argument.Literal);

    /// <summary>A product of a constant and layer arguments.</summary>
    private sealed record Product(long Constant, LayerArgument[] Factors, long Divisor = 1);

    private static Product Term(params LayerArgument[] factors) => new(1, factors);

    private static Product[] Convolution(LayerSpec layer)
    {
        var a = layer.Arguments;
        long groups = layer.Option("Groups");
        var weights = new Product(1, new[] { a[1], a[0], a[2], a[2] }, groups);
        return layer.Bias ? new[] { weights, Term(a[1]) } : new[] { weights };
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
                if (factor.IsHyperParameter) symbolic.Add(forDocs ? factor.HyperParameter! : $"(long){config}.{SourceWriter.Identifier(factor.HyperParameter!)}");
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
