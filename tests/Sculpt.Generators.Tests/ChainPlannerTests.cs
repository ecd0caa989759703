using System.Linq;
using Xunit;

namespace Sculpt.Generators.Tests;

/// <summary>Which forward bodies the generator proves to be dense chains, and which it must not.</summary>
public class ChainPlannerTests
{
    private static string Model(string members, string forward) => $$"""
        using Sculpt;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        namespace Demo;

        [Model]
        public partial class Block
        {
            [Linear(8, 8)] private partial Tensor Dense(Tensor x);

            [Forward("B 8 -> B 8")]
            public Tensor Forward(Tensor x) => Ops.Relu(Dense(x));
        }

        [Model]
        public partial class Net
        {
            [Linear(8, 8)] private partial Tensor First(Tensor x);
            [Linear(8, 8)] private partial Tensor Second(Tensor x);
            [Dropout(0.1)] private partial Tensor Drop(Tensor x);
            {{members}}

            [Forward("B 8 -> B 8")]
            {{forward}}
        }
        """;

    /// <summary>The generated chain of Net, as the step lines its TryAppendChain writes; null when Net is not a chain.</summary>
    private static string[]? Chain(string members, string forward)
    {
        var (files, diagnostics) = GeneratorHarness.Run(Model(members, forward));
        Assert.DoesNotContain(diagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        string net = files["Demo.Net.Model.g.cs"];
        if (!net.Contains("global::Sculpt.Models.IDenseChain.TryAppendChain")) return null;
        Assert.Contains(", global::Sculpt.Models.IDenseChain", net.Split('\n').First(l => l.StartsWith("partial class Net")));
        var body = net.Split("TryAppendChain(string prefix")[1].Split("return true;")[0];
        return body.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("steps.Add") || l.StartsWith("if ") || l.StartsWith("for ")).ToArray();
    }

    [Theory]
    [InlineData("public Tensor Forward(Tensor x) => Second(Ops.Relu(First(x)));")]
    [InlineData("public Tensor Forward(Tensor x) { var h = First(x); h = Ops.Relu(h); return Second(h); }")]
    [InlineData("public Tensor Forward(Tensor x) { x = Ops.Relu(First(x)); var y = Second(x); return y; }")]
    [InlineData("public Tensor Forward(Tensor x) { x = ((Ops.Relu((First(x))))); return Second(x); }")]
    public void Linear_relu_linear_is_a_chain_however_it_is_written(string forward)
    {
        Assert.Equal(
            [
                "steps.Add(new global::Sculpt.Models.DenseChainStep.Linear(prefix + \"First\", Bias: true));",
                "steps.Add(global::Sculpt.Models.DenseChainStep.Relu.Instance);",
                "steps.Add(new global::Sculpt.Models.DenseChainStep.Linear(prefix + \"Second\", Bias: true));",
            ],
            Chain("", forward)!);
    }

    [Fact]
    public void Sub_models_and_repeated_blocks_become_calls_into_their_own_chains()
    {
        var chain = Chain(
            "[Submodel] private partial Block Head { get; }\n[Submodel(Repeat = 3)] private partial ModuleList<Block> Blocks { get; }",
            "public Tensor Forward(Tensor x) { x = Head.call(Ops.Flatten(x)); foreach (var block in Blocks) { x = block.call(x); } return First(x); }");
        Assert.NotNull(chain);
        Assert.Equal(5, chain.Length);
        Assert.Equal("steps.Add(global::Sculpt.Models.DenseChainStep.Flatten.Instance);", chain[0]);
        Assert.Contains("headChain.TryAppendChain(prefix + \"Head.\", steps)", chain[1]);
        Assert.StartsWith("for (int i = 0; i < _blocks.Count; i++)", chain[2]);
        Assert.Contains("block.TryAppendChain(prefix + \"Blocks.\" + i + \".\", steps)", chain[3]);
        Assert.Contains("prefix + \"First\"", chain[4]);
    }

    [Theory]
    [InlineData("residual connection", "public Tensor Forward(Tensor x) => x + First(x);")]
    [InlineData("an older value used again", "public Tensor Forward(Tensor x) { var h = First(x); return Second(x); }")]
    [InlineData("a layer that is not Linear", "public Tensor Forward(Tensor x) => Second(Drop(First(x)));")]
    [InlineData("an op other than ReLU", "public Tensor Forward(Tensor x) => Second(Ops.Gelu(First(x)));")]
    [InlineData("flatten after the first link", "public Tensor Forward(Tensor x) => Second(Ops.Flatten(First(x)));")]
    [InlineData("flatten with its own dims", "public Tensor Forward(Tensor x) => Second(First(Ops.Flatten(x, 0)));")]
    [InlineData("a branch", "public Tensor Forward(Tensor x) { if (x.shape[0] > 1) x = First(x); return Second(x); }")]
    [InlineData("another statement", "public Tensor Forward(Tensor x) { System.Console.WriteLine(x); return Second(First(x)); }")]
    [InlineData("a statement after the return", "public Tensor Forward(Tensor x) { x = First(x); return Second(x); x = First(x); }")]
    [InlineData("no link at all", "public Tensor Forward(Tensor x) => x;")]
    [InlineData("a torch call", "public Tensor Forward(Tensor x) => Second(First(x).tanh());")]
    public void Anything_else_is_not_a_chain(string what, string forward)
    {
        Assert.True(Chain("", forward) is null, what);
    }

    [Fact]
    public void A_loop_over_blocks_that_does_more_than_call_them_is_not_a_chain()
    {
        Assert.Null(Chain(
            "[Submodel(Repeat = 3)] private partial ModuleList<Block> Blocks { get; }",
            "public Tensor Forward(Tensor x) { foreach (var block in Blocks) { x = block.call(x); x = First(x); } return x; }"));
        Assert.Null(Chain(
            "[Submodel(Repeat = 3)] private partial ModuleList<Block> Blocks { get; }",
            "public Tensor Forward(Tensor x) { foreach (var block in Blocks) x = x + block.call(x); return x; }"));
    }

    [Fact]
    public void The_same_sub_model_called_twice_compiles_and_appends_its_chain_twice()
    {
        var chain = Chain("[Submodel] private partial Block Head { get; }", "public Tensor Forward(Tensor x) { x = Head.call(x); x = this.Head.call(x); return x; }");
        Assert.NotNull(chain);
        Assert.Equal(2, chain.Length);
        Assert.Contains("headChain.TryAppendChain", chain[0]);
        Assert.Contains("headChain2.TryAppendChain", chain[1]);
    }

    [Fact]
    public void Another_instances_layers_are_not_this_models_chain()
    {
        Assert.Null(Chain("private Net _other = null!;", "public Tensor Forward(Tensor x) => Second(_other.First(x));"));
        Assert.Null(Chain("[Submodel] private partial Block Head { get; }\nprivate Net _other = null!;", "public Tensor Forward(Tensor x) => _other.Head.call(x);"));
    }

    [Fact]
    public void A_value_kept_in_a_field_is_not_a_chain()
    {
        Assert.Null(Chain("private Tensor? _seen;", "public Tensor Forward(Tensor x) { _seen = First(x); return Second(_seen); }"));
    }

    [Fact]
    public void A_tied_linear_is_not_a_chain_link()
    {
        Assert.Null(Chain(
            "[Linear(8, 8, TiedTo = nameof(First))] private partial Tensor Tied(Tensor x);",
            "public Tensor Forward(Tensor x) => Tied(First(x));"));
    }
}
