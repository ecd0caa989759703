using System.Collections.Generic;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Layers;

/// <summary>
/// An activation as a layer (<c>[ReLU]</c>, <c>[SiLU]</c>, <c>[LeakyReLU(0.2)]</c>, ...): elementwise, shape unchanged, no
/// parameters; its module appears in the summary and the state-dict order as PyTorch's <c>nn.Sequential</c> would list it.
/// </summary>
/// <param name="setting">The one number the activation takes (LeakyReLU's negative slope, ELU's alpha, Softplus' beta), if any.</param>
/// <param name="formula">What it computes, for its doc comment.</param>
internal sealed class Activation(string kind, string formula, LayerArgumentDefinition? setting = null)
    : LayerDefinition(kind, setting is null ? [] : [setting])
{
    public static IEnumerable<Activation> All =>
    [
        new("ReLU", "max(x, 0)"),
        new("ReLU6", "min(max(x, 0), 6)"),
        new("LeakyReLU", "x for x >= 0, slope*x below", new("The negative slope", ArgumentRole.Positive, 0.01)),
        new("ELU", "x for x > 0, alpha*(exp(x) - 1) below", new("The alpha", ArgumentRole.Positive, 1.0)),
        new("GELU", "x*Phi(x), exact (erf-based)"),
        new("SiLU", "x*sigmoid(x) (swish)"),
        new("Mish", "x*tanh(softplus(x))"),
        new("Hardswish", "x*relu6(x + 3)/6"),
        new("Hardsigmoid", "relu6(x + 3)/6"),
        new("Softplus", "log(1 + exp(beta*x))/beta", new("The beta", ArgumentRole.Positive, 1.0)),
        new("Tanh", "tanh(x)"),
        new("Sigmoid", "1/(1 + exp(-x))"),
    ];

    public override string Construction(LayerSpec layer, string config) =>
        $"{Nn}.{Kind}({(Arguments.Count == 0 ? "" : RateText(layer.Arguments[0], config))})";

    public override string Describe(LayerSpec layer, string count)
    {
        string value = Arguments.Count == 0 ? "" : $" with {Arguments[0].Description.Substring(4)} {RateDoc(layer.Arguments[0])}";
        return $"{Kind}{value}: {formula}, elementwise; shape unchanged; no parameters.";
    }
}
