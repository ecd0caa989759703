using System;
using System.Linq;
using Sculpt.Models;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

public class ModelTests
{
    [Fact]
    public void Parameters_are_registered_under_the_layer_method_names()
    {
        using var model = new Mlp(new MlpConfig { Hidden = 7 });
        var parameters = model.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape))).ToList();
        Assert.Equal(
            new[] { ("Hidden1.weight", "7x12"), ("Hidden1.bias", "7"), ("Classify.weight", "3x7") },
            parameters);
        Assert.Equal(new[] { "Hidden1.weight", "Hidden1.bias", "Classify.weight" }, model.state_dict().Keys);
    }

    [Fact]
    public void ParameterCount_matches_the_tensors_the_module_holds()
    {
        var config = new MlpConfig { Hidden = 9 };
        using var model = new Mlp(config);
        long actual = model.parameters().Sum(p => p.numel());
        Assert.Equal(actual, model.ParameterCount);
        Assert.Equal(12 * 9 + 9 + 9 * 3, Mlp.CountParameters(config));
    }

    [Fact]
    public void A_wrong_input_shape_throws_an_exception_naming_model_argument_signature_and_shape()
    {
        using var model = new Mlp(new MlpConfig());
        using var input = zeros(5, 12);
        var error = Assert.Throws<ShapeMismatchException>(() => model.call(input));
        Assert.Equal(
            "Mlp.forward: argument 'points' must have shape [B, 3, 2, 2] (signature \"B 3 2 2 -> B 3\") but has shape [5, 12]: it has 2 dims, not 4.",
            error.Message);
        Assert.Equal(new long[] { 5, 12 }, error.Actual);

        using var wrongDim = zeros(5, 3, 2, 4);
        var dimError = Assert.Throws<ShapeMismatchException>(() => model.call(wrongDim));
        Assert.Contains("dim 3 is 4, not 2", dimError.Message);
    }

    [Fact]
    public void A_symbol_shared_by_two_inputs_must_agree()
    {
        using var model = new PairScorer();
        using var left = ones(8, 4);
        using var right = ones(6, 4);
        var error = Assert.Throws<ShapeMismatchException>(() => model.call(left, right));
        Assert.Contains("argument 'right'", error.Message);
        Assert.Contains("dim 0 is 6, but B is 8", error.Message);
        using var sameBatch = ones(8, 4);
        using var output = model.call(left, sameBatch);
        Assert.Equal(new long[] { 8, 1 }, output.shape);
    }

    [Fact]
    public void Forward_output_has_the_declared_shape()
    {
        using var model = new Mlp(new MlpConfig());
        using var input = randn(6, 3, 2, 2);
        using var output = model.call(input);
        Assert.Equal(new long[] { 6, 3 }, output.shape);
    }

    [Fact]
    public void Summary_lists_layers_in_forward_order_with_symbolic_and_concrete_shapes()
    {
        using var model = new Mlp(new MlpConfig { Hidden = 20 });
        var summary = model.Summary(("B", 32));
        Assert.Equal(new[] { "Ops.Flatten", "Hidden1", "Ops.Relu", "Drop", "Classify" }, summary.Rows.Select(r => r.Name));
        Assert.Equal(new[] { "[B, 12]", "[B, Hidden]", "[B, Hidden]", "[B, Hidden]", "[B, 3]" }, summary.Rows.Select(ModelSummary.Symbolic));
        Assert.Equal(new[] { "[32, 12]", "[32, 20]", "[32, 20]", "[32, 20]", "[32, 3]" }, summary.Rows.Select(summary.Concrete));
        Assert.Equal(new long[] { 0, 260, 0, 0, 60 }, summary.Rows.Select(r => r.Parameters));
        Assert.Equal(320, summary.TotalParameters);
        string table = summary.ToString();
        Assert.Contains("Hidden1      Linear   [B, Hidden]   [32, 20]  260", table);
        // 32 x (12*20 + 20*3) multiply-adds.
        Assert.EndsWith("total parameters: 320\nmultiply-adds per forward pass: 9,600\n", table);
    }

    [Fact]
    public void Summary_without_sizes_shows_symbolic_shapes_with_hyperparameters_resolved()
    {
        using var model = new Mlp(new MlpConfig { Hidden = 20 });
        var summary = model.Summary();
        Assert.Equal("[B, 20]", summary.Concrete(summary.Rows[1]));
    }

    [Fact]
    public void LeNet5_has_the_published_parameter_count_and_the_inferred_shapes()
    {
        using var model = new LeNet5();
        Assert.Equal(61_706, LeNet5.CountParameters());
        Assert.Equal(61_706, model.parameters().Sum(p => p.numel()));
        Assert.Equal(
            new[] { "Conv1.weight", "Conv1.bias", "Conv2.weight", "Conv2.bias", "Fc1.weight", "Fc1.bias", "Fc2.weight", "Fc2.bias", "Fc3.weight", "Fc3.bias" },
            model.state_dict().Keys);

        using var input = randn(2, 1, 32, 32);
        using var output = model.call(input);
        Assert.Equal(new long[] { 2, 10 }, output.shape);

        var summary = model.Summary(("B", 2));
        Assert.Equal(
            new[] { "[2, 6, 28, 28]", "[2, 6, 28, 28]", "[2, 6, 14, 14]", "[2, 16, 10, 10]", "[2, 16, 10, 10]", "[2, 16, 5, 5]", "[2, 400]", "[2, 120]", "[2, 120]", "[2, 84]", "[2, 84]", "[2, 10]" },
            summary.Rows.Select(summary.Concrete));

        // Multiply-adds per image: 6*28*28*25 + 16*10*10*150 + 400*120 + 120*84 + 84*10.
        Assert.Equal(416_520, LeNet5.Summarize(new System.Collections.Generic.Dictionary<string, long> { ["B"] = 1 }).TotalMultiplyAdds);
        Assert.Equal(2 * 416_520, summary.TotalMultiplyAdds);
        Assert.Equal(2 * 117_600, summary.Rows[0].MultiplyAdds);
        Assert.Null(model.Summary().TotalMultiplyAdds);
        Assert.Contains("multiply-adds per forward pass: 833,040", summary.ToString());
    }

    [Fact]
    public void Norms_embeddings_strided_convolutions_and_pooling_give_the_shapes_their_rules_give()
    {
        using var model = new NormsAndEmbeddings();
        Assert.Equal(50 * 8 + 2 * 8 + 4 * 1 * 3 * 3 + 2 * 4, model.ParameterCount);
        Assert.Equal(model.ParameterCount, model.parameters().Sum(p => p.numel()));
        using var tokens = randint(0, 50, new long[] { 3, 7 });
        using var embedded = model.call(tokens);
        Assert.Equal(new long[] { 3, 7, 8 }, embedded.shape);
        using var image = randn(2, 1, 9, 9);
        using var pooled = model.Image(image);
        // Conv: (9 + 2 - 2 - 1) / 2 + 1 = 5; pool 2: (5 - 2) / 2 + 1 = 2.
        Assert.Equal(new long[] { 2, 4, 2, 2 }, pooled.shape);
    }

    [Fact]
    public void Submodels_are_registered_under_their_property_names_and_counted()
    {
        var config = new MlpConfig { Hidden = 5 };
        using var model = new DeepMlp(config);
        Assert.Equal(
            new[] { "Input.weight", "Input.bias", "Output.weight", "Output.bias", "Block1.Mix.weight", "Block1.Mix.bias", "Block2.Mix.weight", "Block2.Mix.bias" },
            model.state_dict().Keys.OrderBy(k => k.StartsWith("Block") ? 1 : 0).ToArray());
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.Equal(12 * 5 + 5 + 2 * (5 * 5 + 5) + 5 * 3 + 3, DeepMlp.CountParameters(config));
        var summary = model.Summary(("B", 4));
        Assert.Equal(new[] { "Ops.Flatten", "Input", "Block1", "Block2", "Output" }, summary.Rows.Select(r => r.Name));
        Assert.Equal("[4, 5]", summary.Concrete(summary.Rows[2]));
        Assert.Equal(30, summary.Rows[2].Parameters);
        Assert.Equal(0, summary.Rows[0].Parameters);
    }

    [Fact]
    public void A_model_with_submodels_trains()
    {
        var data = new Blobs().Load(3);
        using var trainer = new DeepTrainer(new MlpConfig { Hidden = 16, Epochs = 3, LearningRate = 1e-2, BatchSize = 32 });
        var result = trainer.Fit(data.Train, data.Validation, Sculpt.Training.SilentProgress.Instance);
        Assert.True(result.Final.Validation.Accuracy > 0.9, $"accuracy {result.Final.Validation.Accuracy}");
    }

    [Fact]
    public void Repeated_blocks_are_a_module_list_with_pytorch_names()
    {
        var config = new MlpConfig { Hidden = 4 };
        using var model = new RepeatedMlp(config);
        Assert.Contains("Blocks.0.Mix.weight", model.state_dict().Keys);
        Assert.Contains("Blocks.2.Mix.bias", model.state_dict().Keys);
        Assert.DoesNotContain("Blocks.3.Mix.bias", model.state_dict().Keys);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.Equal(12 * 4 + 4 + 3 * (4 * 4 + 4) + 4 * 3 + 3, RepeatedMlp.CountParameters(config));
        using var input = randn(5, 3, 2, 2);
        using var output = model.call(input);
        Assert.Equal(new long[] { 5, 3 }, output.shape);
        var summary = model.Summary(("B", 5));
        var blocks = summary.Rows.Single(r => r.Name == "Blocks");
        Assert.Equal("3 x ResidualMix", blocks.Kind);
        Assert.Equal(60, blocks.Parameters);
        Assert.Equal("[5, 4]", summary.Concrete(blocks));
        Assert.Equal("[5, 3]", summary.Concrete(summary.Rows[^1]));
    }

    [Fact]
    public void ResNet18_has_the_published_parameter_count_and_classifies_any_image_size()
    {
        Assert.Equal(11_689_512, ResNet18.CountParameters());
        using var model = new ResNet18();
        Assert.Equal(11_689_512, model.parameters().Sum(p => p.numel()));
        Assert.Contains("Layer1.1.Conv2.weight", model.state_dict().Keys);
        model.eval();
        using var input = randn(1, 3, 64, 64);
        using var output = model.call(input);
        Assert.Equal(new long[] { 1, 1000 }, output.shape);
        var summary = model.Summary();
        Assert.Equal("[B, 512, 1, 1]", Sculpt.Models.ModelSummary.Symbolic(summary.Rows.Single(r => r.Name == "AvgPool")));
        Assert.Equal("[B, 1000]", Sculpt.Models.ModelSummary.Symbolic(summary.Rows[^1]));
    }

    [Fact]
    public void Vgg16_has_the_published_parameter_count()
    {
        Assert.Equal(138_357_544, Vgg16.CountParameters());
        using var model = new Vgg16();
        Assert.Equal(138_357_544, model.parameters().Sum(p => p.numel()));
        model.eval();
        using var input = randn(1, 3, 32, 32);
        using var output = model.call(input);
        Assert.Equal(new long[] { 1, 1000 }, output.shape);
        var summary = model.Summary(("B", 1), ("H", 224), ("W", 224));
        Assert.Equal("[1, 25088]", summary.Concrete(summary.Rows.Single(r => r.Name == "Ops.Flatten")));
    }

    [Fact]
    public void A_gpt_of_causal_attention_blocks_has_its_counted_parameters_and_shapes()
    {
        var config = new GptConfig();
        using var model = new TinyGptModel(config);
        long block = 2 * 32 + (4 * 32 * 32 + 4 * 32) + 2 * 32 + (32 * 128 + 128) + (128 * 32 + 32);
        Assert.Equal(50 * 32 + 2 * block + 2 * 32 + 32 * 50, TinyGptModel.CountParameters(config));
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.Contains("Blocks.1.Attention.Qkv.weight", model.state_dict().Keys);
        using var tokens = randint(0, 50, new long[] { 3, 9 });
        using var logits = model.call(tokens);
        Assert.Equal(new long[] { 3, 9, 50 }, logits.shape);
        var summary = model.Summary(("B", 3), ("T", 9));
        Assert.Equal("[3, 9, 32]", summary.Concrete(summary.Rows.Single(r => r.Name == "Blocks")));
        // Per block: attention (4 projections of 32x32, scores and values over 9 positions), the MLP's 32x128 twice; then the head.
        long positions = 3 * 9;
        long perBlock = positions * 32 * (4 * 32 + 2 * 9) + positions * 32 * 128 * 2;
        Assert.Equal(2 * perBlock + positions * 32 * 50, summary.TotalMultiplyAdds);
    }

    [Fact]
    public void Causal_attention_does_not_look_ahead()
    {
        using var model = new GptBlock(new GptConfig());
        model.eval();
        using var x = randn(1, 6, 32);
        using var changed = x.clone();
        changed[0, 5] = randn(32);
        using var before = model.call(x);
        using var after = model.call(changed);
        // Positions 0..4 cannot see position 5; position 5 can.
        Assert.True(before[0, ..5].allclose(after[0, ..5], 1e-5, 1e-6));
        Assert.False(before[0, 5].allclose(after[0, 5], 1e-5, 1e-6));
    }

    [Fact]
    public void Heads_that_do_not_divide_the_dim_are_refused_by_layer()
    {
        var error = Assert.Throws<Sculpt.HyperParameters.HyperParameterException>(() => new GptBlock(new GptConfig { Heads = 5 }));
        Assert.Equal("Layer 'GptBlock.Attention' needs the head count to divide the model dim; got the model dim 32 and the head count 5.", error.Message);
    }

    [Fact]
    public void RMSNorm_matches_its_definition()
    {
        using var model = new RmsNormed();
        Assert.Equal(6, model.ParameterCount);
        Assert.Equal(new[] { "Norm.weight" }, model.state_dict().Keys);
        using var x = tensor(new float[] { 1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 3 }, new long[] { 2, 6 });
        using var y = model.call(x);
        // Row 1: mean of squares 91/6; row 2: 9/6; the scale starts at 1.
        Assert.Equal(1f / MathF.Sqrt(91f / 6 + 1e-6f), y[0, 0].item<float>(), 5);
        Assert.Equal(3f / MathF.Sqrt(9f / 6 + 1e-6f), y[1, 5].item<float>(), 5);
    }
}
