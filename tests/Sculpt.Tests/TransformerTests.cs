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

        // GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 * 12).
        var state = model.state_dict();
        double residual = 0.02 / System.Math.Sqrt(24);
        Assert.Equal(0.02, Std(state["Tokens.weight"]), 3);
        Assert.Equal(0.02, Std(state["Blocks.5.Up.weight"]), 3);
        Assert.Equal(0.02, Std(state["Blocks.5.Attention.Qkv.weight"]), 3);
        Assert.Equal(residual, Std(state["Blocks.5.Down.weight"]), 4);
        Assert.Equal(residual, Std(state["Blocks.5.Attention.Proj.weight"]), 4);
        Assert.Equal(0.0, state["Blocks.5.Up.bias"].abs().max().item<float>());
        Assert.Equal(1.0, state["Blocks.5.Norm1.weight"].mean().item<float>());
    }

    private static double Std(Tensor t) => t.std().item<float>();

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
    public void A_language_model_learns_next_tokens_and_beats_the_unigram_baseline()
    {
        var config = new GptConfig { Epochs = 4, BatchSize = 32, LearningRate = 3e-3, Seed = 2 };
        var data = new CyclicText().Load(config.Seed);
        using var trainer = new LanguageModelTrainer(config);
        var before = trainer.Evaluate(data.Validation);
        var result = trainer.Fit(data.Train, data.Validation, Sculpt.Training.SilentProgress.Instance);
        double perplexity = System.Math.Exp(result.Final.Validation.Loss);
        double unigram = Sculpt.Text.LanguageModelBaselines.UnigramPerplexity(data.Train.Targets, data.Validation.Targets, 50);
        Assert.True(result.Final.Validation.Loss < before.Loss / 2, $"validation loss went {before.Loss} -> {result.Final.Validation.Loss}");
        Assert.True(perplexity < unigram / 2, $"perplexity {perplexity}, unigram {unigram}");
        // Accuracy is per position: 320 windows x 16 positions, not per window.
        Assert.InRange(result.Final.Validation.Accuracy!.Value, 0.9, 1.0);
        var continued = Sculpt.Text.TokenSampling.Generate(trainer.Model, [data.Validation.Features[0, 0].item<long>()], 6, 16, Sculpt.Text.Sampling.Greedy);
        Assert.Equal(data.Validation.Features[0, ..7].data<long>().ToArray(), continued);
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

public class InitializationTests
{
    [Fact]
    public void Without_a_scheme_layers_keep_pytorchs_defaults()
    {
        using var model = new TinyGptModel(new GptConfig { Vocabulary = 500, Dim = 64 });
        var state = model.state_dict();
        // Embedding: N(0, 1). Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
        Assert.Equal(1.0, state["Tokens.weight"].std().item<float>(), 1);
        Assert.True(state["Head.weight"].abs().max().item<float>() <= 1 / System.MathF.Sqrt(64));
        Assert.True(state["Blocks.0.Up.bias"].abs().max().item<float>() > 0);
    }

    [Fact]
    public void Per_layer_schemes_give_their_distributions_and_zero_biases()
    {
        using var model = new Initialized();
        var state = model.state_dict();
        // Xavier uniform: bound sqrt(6 / (fan_in + fan_out)) = sqrt(6 / 512); its std is bound / sqrt(3).
        float bound = System.MathF.Sqrt(6f / 512);
        Assert.True(state["Wide.weight"].abs().max().item<float>() <= bound);
        AssertClose(bound / System.Math.Sqrt(3), state["Wide.weight"].std().item<float>(), 0.03);
        Assert.Equal(0f, state["Wide.bias"].abs().max().item<float>());
        // Kaiming normal, fan-out, ReLU: std sqrt(2 / (out * kernel)) = sqrt(2 / 96).
        AssertClose(System.Math.Sqrt(2.0 / 96), state["Conv.weight"].std().item<float>(), 0.1);
        Assert.Equal(0f, state["Last.weight"].abs().max().item<float>());
        Assert.True(state["Encode.weight_hh_l0"].abs().max().item<float>() <= System.MathF.Sqrt(6f / (32 + 128)));
    }

    /// <summary>A sample statistic within <paramref name="relative"/> of its expectation (several standard errors for these sizes).</summary>
    private static void AssertClose(double expected, double actual, double relative) =>
        Assert.InRange(actual, expected * (1 - relative), expected * (1 + relative));
}

[Model]
public partial class Initialized
{
    [Init(InitScheme.XavierUniform)] [Linear(256, 256)] private partial Tensor Wide(Tensor x);
    [Init(InitScheme.KaimingNormal)] [Conv1d(16, 32, 3)] private partial Tensor Conv(Tensor x);
    [Init(InitScheme.Zeros)] [Linear(256, 4)] private partial Tensor Last(Tensor x);
    [Init(InitScheme.XavierUniform)] [Lstm(8, 32)] private partial Tensor Encode(Tensor x);
}
