using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Emit;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary>
/// <c>[Rnn(in, hidden)]</c>, <c>[Lstm]</c>, <c>[Gru]</c>, batch first: <c>[B, T, in] -&gt; [B, T, hidden]</c> (twice hidden
/// when bidirectional); a method returning a tuple also gets the final states <c>[directions*layers, B, hidden]</c>.
/// </summary>
/// <param name="gates">Weight blocks per layer and direction: 1 for RNN, 3 for GRU, 4 for LSTM.</param>
internal sealed class Recurrent(string kind, string module, int gates, int states) : LayerDefinition(
    kind,
    [Sizes.Input, new("The hidden size", ArgumentRole.Size)],
    [new("Layers", 1, 1), new("Bidirectional", 0, 0), new("Dropout", 0, 0, Integer: false, Below: 1)])
{
    public override string Module => module;

    public override int States => states;

    public override bool TakesInitScheme => true;

    public override bool ComputesInFloat32 => true;

    public override IReadOnlyList<string> OptionalInputs => states == 2
        ? ["the initial hidden state", "the initial cell state (each [directions*layers, B, hidden])"]
        : ["the initial hidden state [directions*layers, B, hidden]"];

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) => index == 0
        ? Pattern(Dim.Symbol("B"), Dim.Symbol("T"), SizeDim(layer.Arguments[0]))
        : Pattern(Dim.Constant((layer.Option("Bidirectional") != 0 ? 2 : 1) * layer.Option("Layers")), Dim.Symbol("B"), SizeDim(layer.Arguments[1]));

    /// <summary>The module's second argument: the given initial states, or null for zeros.</summary>
    public string InitialStates(IReadOnlyList<string> arguments) =>
        arguments.Count == 1 ? "null" : arguments.Count == 2 ? arguments[1] : $"({arguments[1]}, {arguments[2]})";

    public override RuleResult Apply(LayerSpec layer, Shape input) => RuleResult.Of(ReplaceFromEnd(input, (1, Features(layer))));

    private static Dim Features(LayerSpec layer) =>
        layer.Option("Bidirectional") != 0 ? Dim.Product([Dim.Constant(2), SizeDim(layer.Arguments[1])]) : SizeDim(layer.Arguments[1]);

    /// <summary>The output sequence, then each final state <c>[directions*layers, B, hidden]</c>.</summary>
    public IReadOnlyList<Shape?> Results(LayerSpec layer, Shape? output)
    {
        long directions = layer.Option("Bidirectional") != 0 ? 2 : 1;
        var batch = output is { Rank: 3, HasVariadic: false } ? output.Dims[0] : Dim.Unknown;
        var state = Pattern(Dim.Constant(directions * layer.Option("Layers")), batch, SizeDim(layer.Arguments[1]));
        return Enumerable.Repeat<Shape?>(state, States).Prepend(output).ToList();
    }

    /// <summary>
    /// Per direction and gate: layer 0 has <c>in*H + H*H</c> weights, each later layer
    /// <c>dirs*H*H + H*H</c>, and every layer two biases of H.
    /// </summary>
    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer)
    {
        var a = layer.Arguments;
        long directions = layer.Option("Bidirectional") != 0 ? 2 : 1;
        long layers = layer.Option("Layers");
        long scale = directions * gates;
        yield return Term(a[0], a[1]) with { Constant = scale };
        yield return Term(a[1], a[1]) with { Constant = scale * (1 + (layers - 1) * (directions + 1)) };
        if (layer.Bias) yield return Term(a[1]) with { Constant = scale * 2 * layers };
    }

    // Every weight is used once per sequence position.
    public override string MultiplyAdds(LayerSpec layer, string config) =>
        $"o[^3] * o[^2] * ({LayerEmission.Sum(Parameters(layer).Take(2), config, forDocs: false)})";

    public override string Construction(LayerSpec layer, string config) =>
        $"{Nn}.{Module}({SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[1], config)}, numLayers: {OptionText(layer, "Layers")}, "
        + $"bias: {(layer.Bias ? "true" : "false")}, batchFirst: true, bidirectional: {Flag(layer, "Bidirectional")}"
        + $"{(layer.Options.Any(o => o.Name == "Dropout") ? ", dropout: " + SourceWriter.Literal(layer.Setting("Dropout")) : "")})";

    public override string Describe(LayerSpec layer, string count)
    {
        string input = ArgumentText(layer.Arguments[0]), hidden = ArgumentText(layer.Arguments[1]);
        long directions = layer.Option("Bidirectional") != 0 ? 2 : 1;
        long layers = layer.Option("Layers");
        string output = directions == 2 ? "2*" + hidden : hidden;
        string finalStates = States == 2 ? "hidden and cell states" : "hidden state";
        string dropout = layer.Options.Any(o => o.Name == "Dropout") ? $", dropout {SourceWriter.Literal(layer.Setting("Dropout"))} between layers" : "";
        return $"{Module}, {layers} layer{(layers == 1 ? "" : "s")}{(directions == 2 ? ", bidirectional" : "")}{dropout}, batch first: "
            + $"[B, T, {input}] -&gt; [B, T, {output}]; final {finalStates} [{directions * layers}, B, {hidden}]; {count} parameters.";
    }
}
