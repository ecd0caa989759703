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
    [InlineData("B 3x -> B", "'3x' is not a dim: use an integer, a name, *name or arithmetic of those (Dim*4, T/2)", 2, 2)]
    [InlineData("B 0 -> B", "'0' is not a dim: use an integer, a name, *name or arithmetic of those (Dim*4, T/2)", 2, 1)]
    [InlineData("B *rest -> B", "'*rest' must be the first dim of its shape", 2, 5)]
    [InlineData("B 3 ->  ", "a shape needs at least one dim", 6, 2)]
    public void A_malformed_signature_reports_the_span_inside_the_string(string text, string message, int start, int length)
    {
        var (signature, error) = SignatureParser.Parse(text, new HashSet<string>());
        Assert.Null(signature);
        Assert.Equal(new SignatureError(message, start, length), error);
    }

    [Theory]
    [InlineData("B Dim*4 -> B", "[B, 4*Dim]")]
    [InlineData("B Dim * 4 -> B", "[B, 4*Dim]")]
    [InlineData("B (Dim * 4) T -> B", "[B, 4*Dim, T]")]
    [InlineData("B 2*Dim*2 -> B", "[B, 4*Dim]")]
    [InlineData("B T/2 Dim/Heads -> B", "[B, T/2, Dim/Heads]")]
    [InlineData("B T+1 T - 1 -> B", "[B, T+1, T-1]")]
    [InlineData("B Dim+Dim Dim*6/2 -> B", "[B, 2*Dim, 3*Dim]")]
    [InlineData("*batch Dim+T -> B", "[*batch, Dim+T]")]
    [InlineData("B 3+4 -> B", "[B, 7]")]
    public void Sizes_in_a_signature_may_be_arithmetic(string text, string input)
    {
        var (signature, error) = SignatureParser.Parse(text, new HashSet<string> { "Dim", "Heads" });
        Assert.Null(error);
        Assert.Equal(input, signature!.Inputs[0].ToString());
    }

    [Theory]
    [InlineData("B Dim*(4 -> B", "'Dim*(4' is not a dim: a '(' is not closed", 2, 6)]
    [InlineData("B Dim-T -> B", "'Dim-T' is not a dim: only an integer can be subtracted from a size", 2, 5)]
    [InlineData("B Dim/0 -> B", "'Dim/0' is not a dim: a size cannot be divided by 0", 2, 5)]
    [InlineData("B 2-3 -> B", "'2-3' is not a dim: '2-3' is -1, not a size", 2, 3)]
    public void Malformed_arithmetic_marks_the_whole_dim(string text, string message, int start, int length)
    {
        var (signature, error) = SignatureParser.Parse(text, new HashSet<string> { "Dim" });
        Assert.Null(signature);
        Assert.Equal(new SignatureError(message, start, length), error);
    }

    [Fact]
    public void A_size_expression_reads_as_csharp_over_the_config()
    {
        Assert.Equal("(config.Dim * 4 / config.Heads)", SizeExpression.ToCSharp("Dim*4/Heads", n => "config." + n));
        Assert.Equal("(2 * (config.A + 1))", SizeExpression.ToCSharp("2*(A+1)", n => "config." + n));
        Assert.Equal("Dim * 4 / Heads", SizeExpression.Normalize(" Dim*4 /Heads "));
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
