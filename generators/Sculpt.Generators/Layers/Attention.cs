using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Emit;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary>
/// <c>[SelfAttention(dim, heads)]</c> (optionally <c>Causal</c>) over <c>[B, T, dim]</c>, and <c>[CrossAttention(dim, heads)]</c>,
/// whose queries <c>[B, T, dim]</c> attend to a context <c>[B, S, dim]</c>: Sculpt's own modules, four dim x dim projections
/// with biases; the head count must divide the dim.
/// </summary>
internal sealed class Attention(bool cross) : LayerDefinition(
    cross ? "CrossAttention" : "SelfAttention",
    cross
        ? [new("The model dim", ArgumentRole.Size), new("The head count", ArgumentRole.Size), new("The context size", ArgumentRole.Size, DefaultFrom: 0)]
        : [new("The model dim", ArgumentRole.Size), new("The head count", ArgumentRole.Size)],
    cross ? [Dropout] : [new("Causal", 0, 0), Dropout])
{
    /// <summary>Dropout on the attention weights in training, as PyTorch's <c>dropout</c> of multi-head attention.</summary>
    private static readonly LayerOptionDefinition Dropout = new("Dropout", 0, 0, Integer: false, Below: 1);

    public override string ModuleType => "global::Sculpt.Layers." + Module;

    private static string DropoutText(LayerSpec layer) =>
        layer.Options.Any(o => o.Name == "Dropout") ? ", dropout: " + SourceWriter.Literal(layer.Setting("Dropout")) : "";

    public override bool TakesInitScheme => true;

    public override int Inputs => cross ? 2 : 1;

    public override IReadOnlyList<string> OptionalInputs => cross ? [] : ["a [B, T] key padding mask (true where a position is padding)"];

    // The padded form is a second forward of Sculpt's module, not its Module<Tensor, Tensor> call.
    public override string Call(LayerSpec layer, string module, IReadOnlyList<string> arguments) =>
        !cross && arguments.Count == 2 ? $"{module}.forward({arguments[0]}, {arguments[1]})" : base.Call(layer, module, arguments);

    public override (int Divisor, int Dividend)? Divides => (1, 0);

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) => !cross && index == 1
        ? Pattern(Dim.Symbol("B"), Dim.Symbol("T"))
        : Pattern(Dim.Symbol("B"), Dim.Symbol(index == 0 ? "T" : "S"), SizeDim(layer.Arguments[index == 0 ? 0 : 2]));

    /// <summary>A context of its own width (<c>[CrossAttention(dim, heads, contextSize)]</c>), not the queries' one.</summary>
    private static bool OwnContext(LayerSpec layer) => layer.Arguments.Count > 2 && layer.Arguments[2] != layer.Arguments[0];

    // Query and output projections dim x dim; keys and values from the context, 2*dim x context; a bias on each.
    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) => OwnContext(layer)
        ? [Term(layer.Arguments[0], layer.Arguments[0]) with { Constant = 2 }, Term(layer.Arguments[0], layer.Arguments[2]) with { Constant = 2 }, Term(layer.Arguments[0]) with { Constant = 4 }]
        : [Term(layer.Arguments[0], layer.Arguments[0]) with { Constant = 4 }, Term(layer.Arguments[0]) with { Constant = 4 }];

    // Four dim x dim projections per position, and scores and weighted values over T positions; a cross
    // attention's context length is not in its output.
    public override string MultiplyAdds(LayerSpec layer, string config) =>
        cross ? "null" : $"o.Elements * (4L * {LongSize(layer.Arguments[0], config)} + 2L * o[^2])";

    public override string Construction(LayerSpec layer, string config) => cross
        ? $"new {ModuleType}({SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[1], config)}{(OwnContext(layer) ? ", " + SizeText(layer.Arguments[2], config) : "")}{DropoutText(layer)})"
        : $"new {ModuleType}({SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[1], config)}, causal: {Flag(layer, "Causal")}{DropoutText(layer)})";

    public override string Describe(LayerSpec layer, string count)
    {
        string dim = ArgumentText(layer.Arguments[0]), heads = ArgumentText(layer.Arguments[1]);
        return cross
            ? $"Cross-attention with {heads} heads: queries [B, T, {dim}] attend to a context [B, S, {ArgumentText(layer.Arguments[2])}] -&gt; [B, T, {dim}]; {count} parameters."
            : $"{(layer.Option("Causal") != 0 ? "Causal s" : "S")}elf-attention with {heads} heads: [B, T, {dim}], shape unchanged"
                + $"{(layer.Parameters.Count == 2 ? ", padded keys hidden by a [B, T] mask" : "")}; {count} parameters.";
    }
}
