using System.Collections.Generic;
using System.Linq;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Layers;

/// <summary><c>[Embedding(rows, size)]</c>: integer indices <c>[*]</c> -&gt; <c>[*, size]</c>.</summary>
internal sealed class Embedding() : LayerDefinition("Embedding", [new("The vocabulary size", ArgumentRole.Size), new("The embedding size", ArgumentRole.Size)])
{
    public override bool TakesInitScheme => true;

    public override RuleResult Apply(LayerSpec layer, Shape input) => RuleResult.Of(input.Dims.Concat([SizeDim(layer.Arguments[1])]));

    public override IEnumerable<ParameterTerm> Parameters(LayerSpec layer) => [Term(layer.Arguments[0], layer.Arguments[1])];

    public override string Construction(LayerSpec layer, string config) =>
        $"{Nn}.Embedding({SizeText(layer.Arguments[0], config)}, {SizeText(layer.Arguments[1], config)})";

    public override string Describe(LayerSpec layer, string count) =>
        $"Embedding: indices [*] -&gt; [*, {ArgumentText(layer.Arguments[1])}] from {ArgumentText(layer.Arguments[0])} rows; {count} parameters.";
}
