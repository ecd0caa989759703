using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

public class TransformerTests
{
    [Fact]
    public void Gpt2_small_has_the_published_parameter_count_with_its_head_tied()
    {
        var config = new Gpt2Config();
        Assert.Equal(124_439_808, Gpt2.CountParameters(config));
        using var model = new Gpt2(config);
        Assert.Equal(124_439_808, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void A_tied_head_shares_the_embedding_tensor_and_trains_it_once()
    {
        var config = new Gpt2Config { Vocabulary = 40, Context = 16, Dim = 24, Heads = 4, Layers = 2, Mlp = 48 };
        using var model = new Gpt2(config);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.Contains("Head.weight", model.state_dict().Keys);
        AssertTied(model);
        // Moving or converting the model keeps the tie.
        model.to(float64);
        AssertTied(model);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        model.to(float32);

        using var tokens = randint(0, 40, new long[] { 2, 10 });
        using var logits = model.call(tokens);
        Assert.Equal(new long[] { 2, 10, 40 }, logits.shape);
        var summary = model.Summary(("B", 2), ("T", 10));
        Assert.Equal(0, summary.Rows.Single(r => r.Name == "Head").Parameters);
        Assert.Equal("[10, 24]", summary.Concrete(summary.Rows.Single(r => r.Name == "Positions")));
    }

    [Fact]
    public void A_tie_between_weights_of_different_shapes_is_refused_naming_both_layers()
    {
        var error = Assert.Throws<Sculpt.HyperParameters.HyperParameterException>(() => new MistiedHead(new Gpt2Config { Vocabulary = 30, Dim = 8, Mlp = 12 }));
        Assert.Equal("Layer 'MistiedHead.Head' is tied to 'Tokens', but its weight is [30, 12] and 'Tokens''s is [30, 8].", error.Message);
    }

    private static void AssertTied(Gpt2 model)
    {
        var state = model.state_dict();
        using (no_grad()) state["Tokens.weight"][3, 5] = 42.0;
        Assert.Equal(42.0, state["Head.weight"][3, 5].to(float64).item<double>());
    }
}

/// <summary>Sizes that only disagree at run time: the constructor refuses the tie.</summary>
[Model(typeof(Gpt2Config))]
public partial class MistiedHead
{
    [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
    [Linear("Mlp", "Vocabulary", TiedTo = nameof(Tokens))] private partial Tensor Head(Tensor x);
}
