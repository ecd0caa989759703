using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sculpt.Generators.Layers;
using Sculpt.Generators.Model;
using Sculpt.Generators.Parsing;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Emit;

/// <summary>How a layer is built, counted and described in generated code: each layer's <see cref="LayerDefinition"/> says; this adds what all share.</summary>
internal static class LayerEmission
{
    public static string ModuleType(LayerSpec layer) => LayerCatalog.Of(layer.Kind).ModuleType;

    /// <summary>Layers whose weights an init scheme sets (norms keep ones and zeros; the rest have no parameters).</summary>
    public static bool TakesInitScheme(string kind) => LayerCatalog.Of(kind).TakesInitScheme;

    /// <summary>The TorchSharp call that builds the layer, its sizes read from <paramref name="config"/>.</summary>
    public static string Construction(LayerSpec layer, string config) => LayerCatalog.Of(layer.Kind).Construction(layer, config);

    /// <summary>The layer's trainable parameter count as a C# expression over <paramref name="config"/>, literals folded.</summary>
    public static string ParameterCount(LayerSpec layer, string config) => Sum(LayerCatalog.Of(layer.Kind).Parameters(layer), config, forDocs: false);

    /// <summary>The multiply-adds of one call as a C# expression over its concrete output shape <c>o</c> and <paramref name="config"/>.</summary>
    public static string MultiplyAdds(LayerSpec layer, string config) => LayerCatalog.Of(layer.Kind).MultiplyAdds(layer, config);

    /// <summary>What the layer does, for its XML doc comment.</summary>
    public static string Describe(LayerSpec layer)
    {
        var definition = LayerCatalog.Of(layer.Kind);
        string count = Sum(definition.Parameters(layer), "", forDocs: true);
        if (!count.All(char.IsDigit)) count = "<c>" + count + "</c>";
        // Shapes and products as code: in a Markdown hover, [*, 256] would lose its asterisks to emphasis.
        return System.Text.RegularExpressions.Regex.Replace(definition.Describe(layer, count), @"\[[^\[\]]*\]", "<c>$0</c>") + InitText(layer);
    }

    /// <summary>
    /// How the layer's parameters start, as <c>Initialization.Apply</c> sets them; empty for PyTorch's
    /// defaults and for layers a scheme does not touch (dropout, pooling, norms, identity).
    /// </summary>
    private static string InitText(LayerSpec layer)
    {
        if (layer.Init is not { } init || !TakesInitScheme(layer.Kind)) return "";
        string biases = LayerCatalog.Of(layer.Kind) is Embedding ? "" : ", biases at zero";
        if (layer.TiedTo is not null) return layer.Bias ? " Its bias starts at zero." : "";
        if (init.Scheme != "Normal") return $" Weights start from {init.Scheme}{biases}.";
        string std = SourceWriter.Literal(init.Std);
        string scaled = init.ScaleByDepth is { } depth ? $"{std}/sqrt(2*{depth})" : std;
        return LayerCatalog.Of(layer.Kind) switch
        {
            Linear => $" Weights start from N(0, {scaled}){biases}.",
            Attention when init.ScaleByDepth is not null =>
                $" Weights start from N(0, {std}), the output projection's from N(0, {scaled}){biases}.",
            _ => $" Weights start from N(0, {std}){biases}.",
        };
    }

    public static string SizeText(LayerArgument argument, string config) => LayerDefinition.SizeText(argument, config);

    /// <summary>The sum of products as C# (<c>784L * (long)config.Hidden</c>) or, for docs, as text (<c>784*Hidden</c>).</summary>
    public static string Sum(IEnumerable<ParameterTerm> terms, string config, bool forDocs)
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
            if (symbolic.Count == 0 && term.SymbolicDivisor is null)
            {
                constant += value / term.Divisor;
                continue;
            }
            string product = string.Join(multiply, (value == 1 && symbolic.Count > 0 ? new string[0] : new[] { SourceWriter.Literal(value) + suffix }).Concat(symbolic));
            if (term.Divisor != 1) product = $"{product} / {term.Divisor}{suffix}";
            if (term.SymbolicDivisor is { } divisor) product = forDocs ? $"{product}/{divisor.HyperParameter}" : $"{product} / (long){SizeText(divisor, config)}";
            parts.Add(product);
        }
        if (constant != 0 || parts.Count == 0) parts.Add(SourceWriter.Literal(constant) + suffix);
        return string.Join(" + ", parts);
    }
}
