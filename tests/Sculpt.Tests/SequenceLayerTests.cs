using System.Linq;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>Recurrent layers, 1-D convolutions and cross-attention: counts, names, shapes, training.</summary>
public class SequenceLayerTests
{
    [Fact]
    public void A_bidirectional_two_layer_lstm_has_pytorchs_parameter_count_and_names()
    {
        var config = new SequenceConfig();
        using var model = new LstmClassifier(config);
        // PyTorch: 4 gates * (in*H + H*H + 2H) per layer and direction; layer 1 sees 2H inputs.
        long lstm = 2 * 4 * (16 * 24 + 24 * 24 + 2 * 24) + 2 * 4 * (48 * 24 + 24 * 24 + 2 * 24);
        Assert.Equal(22272, lstm);
        Assert.Equal(12 * 16 + lstm + 48 * 2 + 2, LstmClassifier.CountParameters(config));
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.Contains("Encode.weight_hh_l1_reverse", model.state_dict().Keys);
        using var tokens = randint(0, 12, new long[] { 5, 7 });
        using var logits = model.call(tokens);
        Assert.Equal(new long[] { 5, 2 }, logits.shape);
        // Each LSTM weight is used once per position (5 x 7), the classifier once per sequence.
        long weights = lstm - 2 * 2 * 4 * 2 * 24;
        Assert.Equal(5 * 7 * weights + 5 * 48 * 2, model.Summary(("B", 5), ("T", 7)).TotalMultiplyAdds);
    }

    [Fact]
    public void Gru_and_rnn_states_have_the_shapes_the_analyzer_infers()
    {
        var config = new SequenceConfig();
        using var model = new RecurrentStates(config);
        Assert.Equal(3 * (16 * 24 + 24 * 24 + 2 * 24) + (24 * 8 + 8 * 8) + 2 * (8 * 8 + 8 * 8), model.ParameterCount);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        using var x = randn(3, 9, 16);
        using var y = model.call(x);
        Assert.Equal(new long[] { 3, 32 }, y.shape);
        var summary = model.Summary(("B", 3), ("T", 9));
        Assert.Equal("[3, 9, 24]", summary.Concrete(summary.Rows.Single(r => r.Name == "Encode")));
        Assert.Equal("GRU", summary.Rows.Single(r => r.Name == "Encode").Kind);
        Assert.Equal("[3, 9, 8]", summary.Concrete(summary.Rows.Single(r => r.Name == "Decode")));
    }

    [Fact]
    public void An_lstm_classifier_learns_to_remember_a_token()
    {
        var config = new SequenceConfig { Epochs = 6, BatchSize = 32, LearningRate = 1e-2, Seed = 3 };
        var data = new TokenPresence().Load(config.Seed);
        using var trainer = new LstmTrainer(config);
        var before = trainer.Evaluate(data.Validation);
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        Assert.True(result.Final.Validation.Loss < before.Loss / 2, $"validation loss went {before.Loss} -> {result.Final.Validation.Loss}");
        Assert.True(result.Final.Validation.Accuracy > 0.9, $"accuracy {result.Final.Validation.Accuracy}");
    }

    [Fact]
    public void A_sequence_cnn_follows_the_window_arithmetic()
    {
        using var model = new SequenceCnn();
        Assert.Equal((4 * 16 * 5 + 16) + 2 * 16 + 16 * 16 * 3 / 4 + (64 * 3 + 3), model.ParameterCount);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        using var x = randn(2, 4, 100);
        using var y = model.call(x);
        Assert.Equal(new long[] { 2, 3 }, y.shape);
        var summary = model.Summary(("B", 2));
        Assert.Equal("[2, 16, 24]", summary.Concrete(summary.Rows.Single(r => r.Name == "Grouped")));
        Assert.Equal("[2, 16, 4]", summary.Concrete(summary.Rows.Single(r => r.Name == "Average")));
    }

    [Fact]
    public void Cross_attention_reads_the_context_and_keeps_the_query_shape()
    {
        var config = new GptConfig();
        using var model = new CrossAttending(config);
        Assert.Equal(2 * 32 + 4 * 32 * 32 + 4 * 32, model.ParameterCount);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.Contains("Attend.KeyValue.weight", model.state_dict().Keys);
        using var x = randn(2, 5, 32);
        using var memory = randn(2, 11, 32);
        using var y = model.call(x, memory);
        Assert.Equal(new long[] { 2, 5, 32 }, y.shape);
        // The output depends on the memory.
        using var other = model.call(x, randn(2, 11, 32));
        Assert.False(y.allclose(other));
    }

    [Fact]
    public void Same_padding_keeps_height_and_width_with_an_even_kernel()
    {
        using var model = new SamePadded();
        using var x = randn(2, 3, 13, 10);
        using var y = model.call(x);
        Assert.Equal(new long[] { 2, 8, 13, 10 }, y.shape);
        Assert.Equal(8 * 3 * 16 + 8, model.ParameterCount);
    }
}
