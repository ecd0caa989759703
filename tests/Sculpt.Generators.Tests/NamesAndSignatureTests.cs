using System.Collections.Generic;
using Sculpt.Generators.Parsing;
using Sculpt.Generators.Shapes;
using Xunit;

namespace Sculpt.Generators.Tests;

public class NamesAndSignatureTests
{
    [Theory]
    [InlineData("Hidden", "hidden", "hidden")]
    [InlineData("LearningRate", "learning-rate", "learningRate")]
    [InlineData("MLPHidden", "mlp-hidden", "mlpHidden")]
    [InlineData("Layer2Size", "layer2-size", "layer2Size")]
    [InlineData("max_steps", "max-steps", "maxSteps")]
    public void Property_names_become_kebab_flags_and_camel_json_names(string property, string flag, string json)
    {
        Assert.Equal(flag, Names.KebabCase(property));
        Assert.Equal(json, Names.CamelCase(property));
    }

    [Fact]
    public void A_signature_parses_into_symbols_hyperparameters_and_constants()
    {
        var (signature, error) = SignatureParser.Parse("B 1 28 28, B Hidden -> *batch 10", new HashSet<string> { "Hidden" });
        Assert.Null(error);
        Assert.Equal("[B, 1, 28, 28]", signature!.Inputs[0].ToString());
        Assert.Equal(DimKind.Symbol, signature.Inputs[0].Dims[0].Kind);
        Assert.Equal(DimKind.HyperParameter, signature.Inputs[1].Dims[1].Kind);
        Assert.Equal(DimKind.Variadic, signature.Output.Dims[0].Kind);
        Assert.Equal(10, signature.Output.Dims[1].Value);
    }

    [Theory]
    [InlineData("B 3", "a signature needs '->' between the inputs and the output", 0, 3)]
    [InlineData("B 3 -> B -> 3", "a signature has exactly one '->'", 9, 2)]
    [InlineData("B 3x -> B", "'3x' is not a dim: use an integer, a name or *name", 2, 2)]
    [InlineData("B 0 -> B", "'0' is not a dim: use an integer, a name or *name", 2, 1)]
    [InlineData("B *rest -> B", "'*rest' must be the first dim of its shape", 2, 5)]
    [InlineData("B 3 ->  ", "a shape needs at least one dim", 6, 2)]
    public void A_malformed_signature_reports_the_span_inside_the_string(string text, string message, int start, int length)
    {
        var (signature, error) = SignatureParser.Parse(text, new HashSet<string>());
        Assert.Null(signature);
        Assert.Equal(new SignatureError(message, start, length), error);
    }

    [Fact]
    public void Flatten_folds_constant_dims_and_keeps_symbols()
    {
        var (signature, _) = SignatureParser.Parse("B C 4 4 -> B", new HashSet<string>());
        Assert.Equal("[B, 16*C]", ShapeRules.Flatten(signature!.Inputs[0], 1, -1)!.ToString());
        var (constant, _) = SignatureParser.Parse("B 1 28 28 -> B", new HashSet<string>());
        Assert.Equal("[B, 784]", ShapeRules.Flatten(constant!.Inputs[0], 1, -1)!.ToString());
        Assert.Equal("[B, 28, 28]", ShapeRules.Flatten(constant.Inputs[0], 0, 1)!.ToString());
        Assert.Equal("[784*B]", ShapeRules.Flatten(constant.Inputs[0], 0, -1)!.ToString());
        Assert.Null(ShapeRules.Flatten(constant.Inputs[0], 2, 1));
    }
}
