using System;
using System.Linq;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Sculpt.Tests;

/// <summary>
/// The layers added as one-file definitions against libtorch itself: each generated module computes what
/// the functional op computes on the same input, counts what its parameters hold, and has the output shape the
/// analyzer inferred, at more than one input size.
/// </summary>
public class LayerZooTests
{
    [Fact]
    public void The_dcgan_generator_has_the_published_size_and_makes_64x64_images()
    {
        var config = new GeneratorConfig();
        using var model = new DcganGenerator(config);
        // PyTorch's dcgan example prints 3,576,704 parameters for netG with nz=100, ngf=64, nc=3.
        Assert.Equal(3_576_704, model.ParameterCount);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.Equal(3_576_704, DcganGenerator.CountParameters(config));
        Assert.Contains("main.3.weight", model.state_dict().Keys);
        Assert.DoesNotContain("main.3.bias", model.state_dict().Keys);
        model.eval();
        using var z = randn(2, 100, 1, 1);
        using var image = model.call(z);
        Assert.Equal(new long[] { 2, 3, 64, 64 }, image.shape);
        Assert.True(image.abs().max().item<float>() <= 1f);
        var summary = model.Summary(("B", 2));
        Assert.Equal("[2, 512, 4, 4]", summary.Concrete(summary.Rows.Single(r => r.Name == "Up1")));
        Assert.Equal("[2, 64, 32, 32]", summary.Concrete(summary.Rows.Single(r => r.Name == "Up4")));
        // Each input value of a transposed convolution meets out x k x k weights: 100x512x16 for the first, per sample.
        Assert.Equal(2L * 100 * 512 * 16, summary.Rows.Single(r => r.Name == "Up1").MultiplyAdds);
        Assert.Equal(2L * 512 * 4 * 4 * 256 * 16, summary.Rows.Single(r => r.Name == "Up2").MultiplyAdds);
    }

    [Fact]
    public void A_transposed_convolution_is_the_functional_one_with_its_own_weights()
    {
        using var model = new DcganGenerator(new GeneratorConfig { Latent = 5, Features = 2, Channels = 1 });
        var weight = model.state_dict()["main.3.weight"];
        using var x = randn(3, 16, 4, 4);
        using var expected = F.conv_transpose2d(x, weight, strides: [2, 2], padding: [1, 1]);
        // Under its state name main.3: a child "3" of the group "main", as PyTorch's Sequential holds it.
        var main = model.named_children().Single(c => c.name == "main").module;
        var layer = (TorchSharp.Modules.ConvTranspose2d)main.named_children().Single(c => c.name == "3").module;
        using var actual = layer.call(x);
        Assert.Equal(new long[] { 3, 8, 8, 8 }, actual.shape);
        Assert.True(allclose(actual, expected, rtol: 1e-5, atol: 1e-6));
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(24, 40)]
    public void A_unet_keeps_any_image_size_divisible_by_four(int height, int width)
    {
        using var model = new TinyUNet();
        using var image = randn(2, 3, height, width);
        using var mask = model.call(image);
        Assert.Equal(new long[] { 2, 2, height, width }, mask.shape);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        // Transposed convolutions: 32x16x2x2 + 16 and 16x8x2x2 + 8; GroupNorm: 2 x 16.
        Assert.Equal(TinyUNet.CountParameters(), model.ParameterCount);
        var summary = model.Summary(("B", 2), ("H", height), ("W", width));
        Assert.NotNull(summary.TotalMultiplyAdds);
        Assert.Equal($"[2, 16, {height / 2}, {width / 2}]", summary.Concrete(summary.Rows.Single(r => r.Name == "Up2")));
    }

    [Fact]
    public void Activation_layers_compute_what_their_functions_compute()
    {
        using var model = new ActivationStack();
        Assert.Equal(8, model.ParameterCount); // the instance norm's scale and shift
        model.eval();
        using var x = randn(2, 4, 3, 5) * 3;
        using var y = model.call(x);
        Assert.Equal(new long[] { 2, 4, 18, 30 }, y.shape);

        var h = F.relu(x);
        h = F.relu6(h);
        h = F.leaky_relu(h, 0.2);
        h = F.elu(h, 1.0);
        h = F.gelu(h);
        h = F.silu(h);
        h = F.mish(h);
        h = F.hardswish(h);
        h = F.hardsigmoid(h);
        h = F.softplus(h, 2.0);
        h = sigmoid(h);
        h = F.leaky_relu(h, 0.01);
        h = F.interpolate(h, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        h = F.interpolate(h, scale_factor: [3.0, 3.0], mode: InterpolationMode.Bilinear, align_corners: false);
        h = F.instance_norm(h);
        Assert.True(allclose(y, h, rtol: 1e-5, atol: 1e-5), $"largest difference {(y - h).abs().max().item<float>()}");

        var summary = model.Summary(("B", 2), ("H", 3), ("W", 5));
        Assert.Equal(new[] { "ReLU", "ReLU6", "LeakyReLU", "ELU", "GELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid", "Softplus", "Sigmoid", "LeakyReLU", "Upsample", "Upsample", "InstanceNorm2d" },
            summary.Rows.Select(r => r.Kind).ToArray());
        Assert.Equal("[2, 4, 18, 30]", summary.Concrete(summary.Rows.Last()));
    }

    [Fact]
    public void Group_norm_is_the_functional_one_and_its_groups_are_checked()
    {
        using var model = new TinyUNet();
        var norm = (TorchSharp.Modules.GroupNorm)model.named_children().Single(c => c.name == "Norm").module;
        using var x = randn(2, 16, 5, 7);
        using var expected = F.group_norm(x, 4, norm.weight, norm.bias);
        using var actual = norm.call(x);
        AssertClose(expected, actual, "GroupNorm");
    }

    [Fact]
    public void The_summary_lists_layers_in_call_order_through_sub_models_and_helpers()
    {
        using var model = new SummaryOrder(new WidthsConfig { Hidden2 = 5 });
        var summary = model.Summary(("B", 2));
        Assert.Equal(new[] { "Ops.Flatten", "Encode", "Block", "Inner", "Ops.Relu", "Head" }, summary.Rows.Select(r => r.Name).ToArray());
        Assert.Equal("[2, 3]", summary.Concrete(summary.Rows.Single(r => r.Name == "Head")));
        Assert.Equal(model.ParameterCount, summary.Rows.Sum(r => r.Parameters));
    }

    [Fact]
    public void The_shape_ops_compute_what_libtorch_computes_and_the_summary_knows_their_shapes()
    {
        using var model = new OpsAtWork();
        model.eval();
        using var sequence = randn(3, 7, 8);
        using var image = randn(3, 4, 5, 5);
        using var output = model.call(sequence, image);
        Assert.Equal(new long[] { 3, 4 }, output.shape);

        var causal = (TorchSharp.Modules.Conv1d)model.named_children().Single(c => c.name == "Causal").module;
        var score = (TorchSharp.Modules.Linear)model.named_children().Single(c => c.name == "Score").module;
        var head = (TorchSharp.Modules.Linear)model.named_children().Single(c => c.name == "Head").module;
        using var conv = causal.call(F.pad(sequence.transpose(1, 2), [2, 0])).transpose(1, 2);
        using var weights = F.softmax(score.call(conv).squeeze(-1), 1);
        using var pooled = (weights.unsqueeze(-1) * conv).sum(1);
        using var peak = image.amax([2, 3]);
        using var strongest = conv.narrow(2, 0, 4).max(1).values;
        using var gated = where(strongest > 0, strongest, strongest.clamp(-1.0, 0.0));
        using var expected = head.call(cat([pooled, peak + gated], 1));
        Assert.True(allclose(output, expected, rtol: 1e-5, atol: 1e-6));

        var summary = model.Summary(("B", 3), ("T", 7));
        Assert.Equal("[3, 8, 7]", summary.Concrete(summary.Rows.First(r => r.Name == "Causal")));
        Assert.Equal("[3, 4, 1, 1]", summary.Concrete(summary.Rows.Single(r => r.Name == "GlobalMax")));
        Assert.Equal("[3, 4]", summary.Concrete(summary.Rows.Single(r => r.Name == "Ops.Where")));
        Assert.Equal("[3, 8, 9]", summary.Concrete(summary.Rows.Single(r => r.Name == "Ops.Pad")));
    }

    [Fact]
    public void Ops_refuse_what_libtorch_would_silently_accept()
    {
        using var x = randn(2, 3);
        Assert.Throws<Sculpt.Models.ShapeMismatchException>(() => Ops.Squeeze(x, 1));
        Assert.Throws<Sculpt.Models.ShapeMismatchException>(() => Ops.Narrow(x, 1, 2, 2));
        Assert.Equal(new long[] { 2, 1, 3 }, Ops.Unsqueeze(x, 1).shape);
        Assert.Equal(new long[] { 2, 7 }, Ops.Pad(x, 4, 0).shape);
    }

    [Fact]
    public void A_norms_epsilon_reaches_its_module()
    {
        using var model = new EpsilonNorms();
        model.eval();
        using var x = randn(2, 4, 3, 6) * 0.1;
        Tensor Run(string name, Tensor input) => ((TorchSharp.torch.nn.Module<Tensor, Tensor>)model.named_children().Single(c => c.name == name).module).call(input);
        AssertClose(F.layer_norm(x, [6], eps: 1e-3), Run("Layer", x), "LayerNorm");
        AssertClose(x * rsqrt(x.pow(2).mean([-1], keepdim: true) + 0.5), Run("Rms", x), "RMSNorm");
        using var groups = x.reshape(2, 2, -1);
        using var grouped = ((groups - groups.mean([-1], keepdim: true)) / sqrt(groups.var(-1, unbiased: false, keepdim: true) + 0.25)).reshape(2, 4, 3, 6);
        AssertClose(grouped, Run("Group", x), "GroupNorm");
        AssertClose(x / Math.Sqrt(1 + 0.1), Run("Batch", x), "BatchNorm2d"); // running statistics 0 and 1 in eval mode
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what) =>
        Assert.True(allclose(actual, expected, rtol: 1e-4, atol: 1e-5), $"{what}: largest difference {(actual - expected).abs().max().item<float>()}");

    [Fact]
    public void Every_new_layer_starts_as_pytorch_starts_it()
    {
        using var unet = new TinyUNet();
        using var generator = new DcganGenerator(new GeneratorConfig { Latent = 8, Features = 4, Channels = 1 });
        using var norms = new EpsilonNorms();
        foreach (var (name, parameter) in unet.named_parameters().Concat(generator.named_parameters()).Concat(norms.named_parameters()))
        {
            Assert.True(parameter.isfinite().all().item<bool>(), $"{name} holds a value that is not finite");
            Assert.True(parameter.abs().max().item<float>() < 10, $"{name} starts far from PyTorch's initialisation");
        }
        // Norms start at scale one and shift zero, GroupNorm included (TorchSharp allocates its parameters uninitialised).
        var group = unet.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.True(group["Norm.weight"].eq(1).all().item<bool>());
        Assert.True(group["Norm.bias"].eq(0).all().item<bool>());
    }

    [Fact]
    public void Drop_path_drops_whole_samples_in_training_and_nothing_in_eval()
    {
        using var model = new DropPathResidual(new WidthsConfig { Hidden = 6 });
        var branch = (TorchSharp.Modules.Linear)model.named_children().Single(c => c.name == "Branch").module;
        using var x = randn(4000, 6);
        using var full = x + branch.call(x);
        model.train();
        using (var y = model.call(x))
        {
            // Each sample keeps its branch scaled by 1/0.75, or loses it: nothing in between, and about a quarter lose it.
            using var kept = (y - x - branch.call(x) / 0.75).abs().amax([1]).lt(1e-4);
            using var dropped = (y - x).abs().amax([1]).lt(1e-6);
            Assert.True((kept | dropped).all().item<bool>());
            double share = dropped.to_type(ScalarType.Float64).mean().item<double>();
            Assert.InRange(share, 0.2, 0.3);
        }
        model.eval();
        using var evaluated = model.call(x);
        Assert.True(allclose(evaluated, full));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sculpt.Layers.DropPath(1.0));
    }

    [Fact]
    public void Learned_tensors_are_registered_counted_started_and_shape_checked()
    {
        var config = new TinyVitConfig();
        using var model = new TinyVit(config);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(new long[] { 1, 1, 16 }, parameters["ClassToken"].shape);
        Assert.Equal(new long[] { 1, 17, 16 }, parameters["Positions"].shape);
        Assert.True(parameters["ClassToken"].eq(0).all().item<bool>());
        Assert.True(parameters["LayerScale"].eq(1e-6f).all().item<bool>());
        double std = parameters["Positions"].std().item<float>();
        Assert.InRange(std, 0.01, 0.03);
        // Conv 3x16x4x4 + 16, the three learned tensors, LayerNorm 2x16, attention 4x16x16 + 4x16, head 16x10 + 10.
        long expected = (3 * 16 * 16 + 16) + 16 + 17 * 16 + 16 + 2 * 16 + (4 * 16 * 16 + 4 * 16) + (16 * 10 + 10);
        Assert.Equal(expected, model.ParameterCount);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.Equal(expected, TinyVit.CountParameters(config));
        Assert.Contains("Positions", model.state_dict().Keys);

        using var images = randn(2, 3, 16, 16);
        using var logits = model.call(images);
        Assert.Equal(new long[] { 2, 10 }, logits.shape);
        var summary = model.Summary(("B", 2));
        Assert.Equal("[1, 17, 16]", summary.Concrete(summary.Rows.Single(r => r.Name == "Positions")));
        Assert.Equal("[2, 17, 16]", summary.Concrete(summary.Rows.Single(r => r.Name == "Ops.Concat")));
        Assert.Equal(expected, summary.Rows.Sum(r => r.Parameters));
        // The class token's gradient flows: it is trained like any weight.
        logits.sum().backward();
        Assert.NotNull(parameters["ClassToken"].grad);
    }

    [Fact]
    public void A_convnext_block_normalises_channels_and_a_stacked_lstm_takes_its_dropout()
    {
        using var model = new ConvNextBlock();
        model.eval();
        using var x = randn(2, 8, 5, 6);
        var norm = (Sculpt.Layers.LayerNorm2d)model.named_children().Single(c => c.name == "Norm").module;
        using var expected = F.layer_norm(x.permute(0, 2, 3, 1), [8], eps: 1e-6).permute(0, 3, 1, 2);
        AssertClose(expected, norm.call(x), "LayerNorm2d");
        using var y = model.call(x);
        Assert.Equal(x.shape, y.shape);
        Assert.Contains("Norm.weight", model.state_dict().Keys);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        var lstm = (TorchSharp.Modules.LSTM)model.named_children().Single(c => c.name == "Rows").module;
        // In training, the dropout between the two layers makes two runs differ; in eval they agree.
        using var sequence = randn(3, 4, 8);
        lstm.train();
        using (var first = lstm.call(sequence).Item1)
        using (var second = lstm.call(sequence).Item1) Assert.False(allclose(first, second));
        lstm.eval();
        using (var first = lstm.call(sequence).Item1)
        using (var second = lstm.call(sequence).Item1) Assert.True(allclose(first, second));
    }

    [Fact]
    public void Cross_attention_reads_a_memory_of_its_own_width()
    {
        using var model = new WideMemory();
        // Query and output 16x16 + 16 each, keys and values 24 -> 32 with their bias.
        Assert.Equal(2 * (16 * 16 + 16) + (24 * 32 + 32), model.ParameterCount);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        using var x = randn(2, 5, 16);
        using var memory = randn(2, 7, 24);
        using var y = model.call(x, memory);
        Assert.Equal(new long[] { 2, 5, 16 }, y.shape);
        // Attention dropout acts in training only.
        using (var again = model.call(x, memory)) Assert.False(allclose(y, again));
        model.eval();
        using (var first = model.call(x, memory))
        using (var second = model.call(x, memory)) Assert.True(allclose(first, second));
    }

    [Fact]
    public void Blocks_with_their_own_sizes_are_built_counted_and_checked_per_instance()
    {
        var config = new WidthsConfig { Hidden = 6, Hidden2 = 5 };
        using var model = new Staged(config);
        long Block(long input, long output) => input * output + output + input * output;
        long expected = (12 * 6 + 6) + Block(6, 12) + Block(12, 5) + 2 * Block(5, 5) + (5 * 3 + 3);
        Assert.Equal(expected, model.ParameterCount);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        Assert.Equal(expected, Staged.CountParameters(config));
        var weights = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(new long[] { 12, 6 }, weights["First.Mix.weight"].shape);
        Assert.Equal(new long[] { 5, 12 }, weights["Blocks.0.Mix.weight"].shape);
        Assert.Equal(new long[] { 5, 5 }, weights["Blocks.2.Mix.weight"].shape);
        using var output = model.call(randn(4, 3, 2, 2));
        Assert.Equal(new long[] { 4, 3 }, output.shape);
        Assert.Empty(Staged.ShapeErrors(config));
        var summary = model.Summary(("B", 4));
        Assert.Equal("[4, 12]", summary.Concrete(summary.Rows.Single(r => r.Name == "First")));
        Assert.Equal(expected, summary.Rows.Sum(r => r.Parameters));
        Assert.True(summary.TotalMultiplyAdds is not null, string.Join("; ", summary.Rows.Where(r => r.MultiplyAdds is null).Select(r => r.Name + " " + summary.Concrete(r))));
    }

    [Fact]
    public void Volume_layers_compute_what_libtorch_computes()
    {
        using var model = new TinyVolumeNet();
        // Conv3d 4x2x3x3x3 without bias, BatchNorm3d 2x4, Linear 4x3 + 3.
        Assert.Equal(4 * 2 * 27 + 8 + 15, model.ParameterCount);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        model.eval();
        using var clip = randn(new long[] { 2, 2, 5, 7, 9 });
        using var logits = model.call(clip);
        var children = model.named_children().ToDictionary(c => c.name, c => c.module);
        var conv = (TorchSharp.Modules.Conv3d)children["Conv"];
        var norm = (TorchSharp.Modules.BatchNorm3d)children["Norm"];
        var head = (TorchSharp.Modules.Linear)children["Head"];
        var h = F.conv3d(clip, conv.weight!, padding: [1, 1, 1]);
        h = F.relu(F.batch_norm(h, norm.running_mean, norm.running_var, norm.weight, norm.bias, training: false));
        h = F.max_pool3d(h, [2, 2, 2], ceil_mode: true);
        // Ceil mode keeps the last partial window: 5 7 9 -> 3 4 5; the average then floors: 1 2 2.
        Assert.Equal(new long[] { 2, 4, 3, 4, 5 }, h.shape);
        h = F.avg_pool3d(h, [2, 2, 2]);
        using var expected = head.call(h.flatten(2).mean([-1]));
        Assert.True(allclose(logits, expected, rtol: 1e-5, atol: 1e-6));
        var summary = model.Summary(("B", 2));
        Assert.Equal("[2, 4, 3, 4, 5]", summary.Concrete(summary.Rows.Single(r => r.Name == "Pool")));
        Assert.Equal("[2, 4, 1, 2, 2]", summary.Concrete(summary.Rows.Single(r => r.Name == "Average")));
    }

    [Fact]
    public void Ceil_mode_pooling_matches_libtorch_and_the_inferred_sizes()
    {
        using var model = new CeilPooling();
        using var x = randn(2, 4, 112, 112);
        using var y = model.call(x);
        using var expected = F.avg_pool2d(F.max_pool2d(x, 3, 2, ceil_mode: true), 3, 2, 1, ceil_mode: true);
        Assert.Equal(new long[] { 2, 4, 29, 29 }, y.shape);
        Assert.True(allclose(y, expected, rtol: 1e-6, atol: 1e-6));
        using var rows = randn(3, 5, 7);
        using var pooled = model.Rows(rows);
        Assert.Equal(new long[] { 3, 5, 2 }, pooled.shape);
        Assert.True(allclose(pooled, F.avg_pool1d(F.max_pool1d(rows, 2, ceil_mode: true), 2, ceil_mode: true), rtol: 1e-6, atol: 1e-6));
        // MaxPool2d(3, 2, ceil) on 112 gives 56 (floor: 55); AvgPool2d(3, 2, 1, ceil) on 56 gives 29 (floor: 28).
        var summary = model.Summary(("B", 2));
        Assert.Equal("[2, 4, 56, 56]", summary.Concrete(summary.Rows.Single(r => r.Name == "Max")));
    }

    [Fact]
    public void Padded_keys_are_hidden_from_every_query()
    {
        using var model = new PaddedEncoder();
        model.eval();
        using var x = randn(2, 5, 8);
        // The second sequence has two padded positions at its end.
        using var padding = tensor(new[] { false, false, false, false, false, false, false, false, true, true }).view(2, 5);
        using var none = zeros(1, 2, 6);
        using var y = model.call(x, padding, none, none);

        var attention = model.named_children().Single(c => c.name == "Attend").module;
        var parts = attention.named_children().ToDictionary(c => c.name, c => (TorchSharp.Modules.Linear)c.module);
        // softmax(q k^T / sqrt(d) - inf at padded keys) v, per head, by hand.
        var qkv = parts["Qkv"].call(x).view(2, 5, 3, 2, 4).permute(2, 0, 3, 1, 4);
        var scores = matmul(qkv[0], qkv[1].transpose(-2, -1)) / Math.Sqrt(4);
        scores = scores.masked_fill(padding.view(2, 1, 1, 5), float.NegativeInfinity);
        var attended = matmul(scores.softmax(-1), qkv[2]).transpose(1, 2).reshape(2, 5, 8);
        using var expected = x + parts["Proj"].call(attended);
        Assert.True(allclose(y, expected, rtol: 1e-5, atol: 1e-6), $"largest difference {(y - expected).abs().max().item<float>()}");

        // What the padded positions hold changes nothing at the others.
        using var changed = x.clone();
        changed[1, 3..] = randn(2, 8) * 100;
        using var again = model.call(changed, padding, none, none);
        Assert.True(allclose(again[1, ..3], y[1, ..3], rtol: 1e-5, atol: 1e-5));
        Assert.True(allclose(again[0], y[0]));
    }

    [Fact]
    public void Recurrent_layers_start_from_the_given_states()
    {
        using var model = new PaddedEncoder();
        using var x = randn(3, 4, 8);
        using var hidden = randn(1, 3, 6);
        using var cell = randn(1, 3, 6);
        using var output = model.Encode(x, hidden, cell);
        var lstm = (TorchSharp.Modules.LSTM)model.named_children().Single(c => c.name == "Read").module;
        var (expected, h, c) = lstm.call(x, (hidden, cell));
        Assert.True(allclose(output, expected));
        using var zeroStart = model.Encode(x, zeros(1, 3, 6), zeros(1, 3, 6));
        Assert.False(allclose(output, zeroStart, rtol: 1e-3, atol: 1e-3));

        using var sequence = randn(3, 4, 6);
        using var start = randn(2, 3, 6);
        using var carried = model.Continue(sequence, start);
        var gru = (TorchSharp.Modules.GRU)model.named_children().Single(c => c.name == "Carry").module;
        Assert.True(allclose(carried, gru.call(sequence, start).Item1));
    }

    [Theory]
    [InlineData(6, false)]
    [InlineData(6, true)]
    [InlineData(300, true)] // past the explicit products' limit: libtorch's fused kernel with the mask
    public void A_key_padding_mask_works_with_causal_attention_on_both_kernels(int time, bool causal)
    {
        using var attention = new Sculpt.Layers.SelfAttention(8, 2, causal);
        using var x = randn(2, time, 8);
        using var padding = zeros(2, time, dtype: ScalarType.Bool);
        padding[1, (time - 2)..] = tensor(true);
        using var y = attention.forward(x, padding);

        var parts = attention.named_children().ToDictionary(c => c.name, c => (TorchSharp.Modules.Linear)c.module);
        var qkv = parts["Qkv"].call(x).view(2, time, 3, 2, 4).permute(2, 0, 3, 1, 4);
        var scores = matmul(qkv[0], qkv[1].transpose(-2, -1)) / Math.Sqrt(4);
        var hidden = padding.view(2, 1, 1, time);
        if (causal) hidden = hidden.logical_or(ones(time, time, dtype: ScalarType.Bool).triu(1));
        scores = scores.masked_fill(hidden, float.NegativeInfinity);
        using var expected = parts["Proj"].call(matmul(scores.softmax(-1), qkv[2]).transpose(1, 2).reshape(2, time, 8));
        Assert.True(allclose(y, expected, rtol: 1e-4, atol: 1e-5), $"largest difference {(y - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Chunk_split_and_a_concatenated_list_compute_what_libtorch_computes()
    {
        using var model = new PartsAtWork();
        using var x = randn(3, 6);
        using var y = model.call(x);
        var layers = model.named_children().ToDictionary(c => c.name, c => (TorchSharp.Modules.Linear)c.module);
        var wide = layers["Widen"].call(x);
        var mixed = layers["Mix"].call(wide[.., ..8] * sigmoid(wide[.., 8..]));
        var grown = layers["Grow"].call(mixed[.., 2..]);
        using var expected = cat([mixed[.., ..2], grown, F.relu(grown)], -1);
        Assert.Equal(new long[] { 3, 10 }, y.shape);
        Assert.True(allclose(y, expected));
        Assert.Equal(new long[] { 3, 3, 1 }, Ops.Chunk(randn(2, 3, 7), 3, -1).Select(p => p.size(-1)).ToArray());
        Assert.Throws<Sculpt.Models.ShapeMismatchException>(() => Ops.Split(x, -1, 2, 3));
    }

    [Fact]
    public void Kernels_strides_and_paddings_per_dim_are_libtorch_s()
    {
        using var model = new Factorised();
        // 6x4x1x7 + 6, 6x6x7x1, 4x2x1x3x3 + 4.
        Assert.Equal(6 * 4 * 7 + 6 + 6 * 6 * 7 + 4 * 2 * 9 + 4, model.ParameterCount);
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.ParameterCount);
        var layers = model.named_children().ToDictionary(c => c.name, c => c.module);
        var row = (TorchSharp.Modules.Conv2d)layers["Row"];
        var column = (TorchSharp.Modules.Conv2d)layers["Column"];
        Assert.Equal(new long[] { 6, 4, 1, 7 }, row.weight!.shape);
        Assert.Equal(new long[] { 6, 6, 7, 1 }, column.weight!.shape);
        using var x = randn(2, 4, 9, 12);
        using var y = model.call(x);
        using var expected = F.conv2d(F.conv2d(x, row.weight, row.bias, padding: [0, 3]), column.weight, strides: [2, 1], padding: [3, 0]);
        Assert.Equal(new long[] { 2, 6, 5, 12 }, y.shape);
        Assert.True(allclose(y, expected, rtol: 1e-5, atol: 1e-5));

        var spatial = (TorchSharp.Modules.Conv3d)layers["Spatial"];
        using var clip = randn(new long[] { 2, 2, 3, 8, 8 });
        using var out3 = model.Clip(clip);
        Assert.Equal(new long[] { 2, 4, 3, 4, 4 }, out3.shape);
        Assert.True(allclose(out3, F.conv3d(clip, spatial.weight!, spatial.bias, strides: [1, 2, 2], padding: [0, 1, 1]), rtol: 1e-5, atol: 1e-5));
        var summary = model.Summary(("B", 2));
        Assert.Equal("[2, 6, 9, 12]", summary.Concrete(summary.Rows.Single(r => r.Name == "Row")));
    }

    [Fact]
    public void A_transposed_1d_convolution_doubles_a_sequence_as_libtorch_does()
    {
        using var model = new SequenceUpsampler();
        Assert.Equal(6 * 4 * 4 + 4, model.ParameterCount);
        var up = (TorchSharp.Modules.ConvTranspose1d)model.named_children().Single().module;
        using var x = randn(2, 6, 9);
        using var y = model.call(x);
        Assert.Equal(new long[] { 2, 4, 18 }, y.shape);
        Assert.True(allclose(y, F.conv_transpose1d(x, up.weight!, up.bias, stride: 2, padding: 1), rtol: 1e-5, atol: 1e-6));
        var summary = model.Summary(("B", 2), ("L", 9));
        // Each input value meets out x kernel weights: 2 x 6 x 9 inputs x 4 x 4.
        Assert.Equal(2L * 6 * 9 * 4 * 4, summary.Rows.Single().MultiplyAdds);
    }

    [Fact]
    public void A_forward_returns_several_tensors_each_with_its_shape()
    {
        using var model = new TwoHeads();
        using var image = randn(2, 3, 10, 12);
        var (classes, box) = model.call(image);
        Assert.Equal(new long[] { 2, 5 }, classes.shape);
        Assert.Equal(new long[] { 2, 4 }, box.shape);
        Assert.Equal(8 * 3 * 9 + 8 + 8 * 5 + 5 + 8 * 4 + 4, model.ParameterCount);
        // The same trunk feeds both heads.
        var (again, _) = model.Forward(image);
        Assert.True(allclose(classes, again));

        using var user = new HeadsUser();
        using var score = user.call(image);
        Assert.Equal(new long[] { 2, 1 }, score.shape);
        Assert.Equal(model.ParameterCount + 9 + 1, user.ParameterCount);
        var summary = user.Summary(("B", 2), ("H", 10), ("W", 12));
        Assert.Equal("[2, 1]", summary.Concrete(summary.Rows.Single(r => r.Name == "Score")));
    }

    [Fact]
    public void Pooling_windows_per_dim_are_libtorch_s()
    {
        using var model = new RectangularPooling();
        using var x = randn(2, 4, 9, 7);
        using var y = model.call(x);
        using var expected = F.avg_pool2d(F.max_pool2d(x, [3, 1], [2, 1], [1, 0]), [1, 2], [1, 2], ceil_mode: true);
        Assert.Equal(new long[] { 2, 4, 5, 4 }, y.shape);
        Assert.True(allclose(y, expected));
        using var clip = randn(new long[] { 2, 2, 3, 8, 6 });
        using var frames = model.Clip(clip);
        Assert.True(allclose(frames, F.max_pool3d(clip, [1, 2, 2], [1, 2, 2])));
        var summary = model.Summary(("B", 2));
        Assert.Equal("[2, 4, 5, 7]", summary.Concrete(summary.Rows.Single(r => r.Name == "Rows")));
    }
}
