using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary><c>[Linear(in, out)]</c>: <c>[*, in] -&gt; [*, out]</c>; its weight may be tied to an Embedding or another Linear.</summary>
internal sealed class Linear() : LayerDefinition("Linear", [Sizes.Input, Sizes.Output])
{
    public override bool TakesInitScheme => true;

    public override Shape? Accepts(LayerSpec layer, int index, Shape? actual) => Pattern(Dim.Variadic("batch"), SizeDim(layer.Arguments[0]));

    public override RuleResult Apply(LayerSpec layer, Shape input) => RuleResult.Of(ReplaceFromEnd(input, (1, SizeDim(layer.Arguments[1]))));

    // A tied weight belongs to the layer it is tied to and is counted there.
    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) =>
        new[] { Term(layer.Arguments[0], layer.Arguments[1]), Term(layer.Arguments[1]) }.Where((_, i) => i == 0 ? layer.TiedTo is null : layer.Bias);

    // A matrix product: in low precision under mixed precision, on the weights' low-precision twins.
    public override string Call(LayerSpec layer, string module, IReadOnlyList<string> arguments) => $"{MixedPrecision}.Linear({module}, {arguments[0]})";

    public override string MultiplyAdds(LayerSpec layer, string config) => $"o.Elements * {LongSize(layer.Arguments[0], config)}";

    public override string Construction(LayerSpec layer, string config) =>
        $"{Nn}.Linear({SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[1], config)}, {(layer.Bias ? "true" : "false")})";

    public override string Describe(LayerSpec layer, string count) =>
        $"Linear: [*, {ArgumentText(layer.Arguments[0])}] -&gt; [*, {ArgumentText(layer.Arguments[1])}]{(layer.Bias ? ", with bias" : ", no bias")}"
        + $"{(layer.TiedTo is null ? "" : $", weight tied to <see cref=\"{layer.TiedTo}\"/>")}; {count} parameters.";
}
