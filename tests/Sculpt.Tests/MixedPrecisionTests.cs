using System;
using System.IO;
using System.Linq;
using Sculpt.HyperParameters;
using Sculpt.MixedPrecision;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// Mixed precision (issue 20) on the CPU. Where the CPU has no bfloat16 or float16 units libtorch emulates them, so
/// these tests ask for emulation: they check the numbers, never the speed, and hold on every host.
/// </summary>
public sealed class MixedPrecisionTests : IDisposable
{
    private static readonly GptConfig Config = new() { Epochs = 3, BatchSize = 16, LearningRate = 3e-3, Seed = 11 };
    private static readonly FitOptions Emulated = new() { PrecisionFallback = PrecisionFallback.Emulate };
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-precision-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(Precision.Bf16)]
    [InlineData(Precision.Fp16)]
    public void Mixed_precision_training_follows_the_float32_loss_curve(Precision precision)
    {
        var data = new CyclicText().Load(Config.Seed);
        using var reference = new LanguageModelTrainer(Config);
        var full = reference.Fit(data.Train, data.Validation, SilentProgress.Instance);
        using var mixed = new LanguageModelTrainer(Config with { Precision = precision });
        var low = mixed.Fit(data.Train, data.Validation, SilentProgress.Instance, Emulated);

        Assert.Equal(precision, mixed.Precision);
        for (int epoch = 0; epoch < Config.Epochs; epoch++)
        {
            double expected = full.Epochs[epoch].Validation.Loss, actual = low.Epochs[epoch].Validation.Loss;
            Assert.True(Math.Abs(actual - expected) <= 0.02 * expected + 0.01, $"epoch {epoch + 1}: validation loss {actual:F4} in {precision}, {expected:F4} in float32");
        }
        // It learned (the cycle is easy), and it did compute in low precision: the weights are close to float32's, not equal.
        Assert.True(low.Final.Validation.Loss < 0.5 * low.Epochs[0].Validation.Loss || low.Final.Validation.Loss < 0.1, $"validation loss {low.Epochs[0].Validation.Loss:F4} -> {low.Final.Validation.Loss:F4}");
        var expectedWeights = reference.Model.state_dict();
        Assert.Contains(mixed.Model.state_dict(), p => !p.Value.eq(expectedWeights[p.Key]).all().item<bool>());
        // Master weights and optimizer state stay float32.
        Assert.All(mixed.Model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.All(mixed.FusedOptimizer.State, s => Assert.Equal(ScalarType.Float32, s.Value.dtype));
        Assert.Equal(precision == Precision.Fp16, mixed.LossScaler is not null);
    }

    [Fact]
    public void Linear_layers_compute_in_low_precision_and_norms_in_float32_while_weights_are_current()
    {
        using var linear = nn.Linear(4, 3);
        using var flat = new Optimization.FlatParameters(linear);
        using var low = new LowPrecisionWeights(flat, ScalarType.BFloat16);
        var x = randn(2, 4);
        Assert.Equal(ScalarType.Float32, LowPrecision.Linear(linear, x).dtype);
        Tensor inside;
        using (LowPrecision.Use(low))
        {
            inside = LowPrecision.Linear(linear, x);
            Assert.Equal(ScalarType.Float32, LowPrecision.Float32(inside).dtype);
        }
        Assert.Equal(ScalarType.BFloat16, inside.dtype);
        Assert.Null(LowPrecision.Current);
        // The same product, rounded to bfloat16's 8 bits of mantissa.
        var expected = linear.call(x);
        Assert.True(inside.to(ScalarType.Float32).allclose(expected, rtol: 2e-2, atol: 2e-2));

        // Backward fills the low-precision gradients, which merge into the float32 ones and are zeroed.
        inside.to(ScalarType.Float32).sum().backward();
        Assert.True(low.Gradients.abs().sum().to(ScalarType.Float32).item<float>() > 0);
        flat.ZeroGrad();
        low.MergeGradients();
        Assert.Equal(0f, low.Gradients.abs().sum().to(ScalarType.Float32).item<float>());
        var weightGradient = linear.weight!.grad!;
        // dL/dW of a sum is the summed inputs, in every row.
        Assert.True((weightGradient - x.sum(dim: 0)).abs().max().item<float>() < 2e-2, $"dL/dW {weightGradient.ToString(TorchSharp.TensorStringStyle.Julia)}, inputs summed {x.sum(dim: 0).ToString(TorchSharp.TensorStringStyle.Julia)}");
        Assert.Equal(ScalarType.Float32, weightGradient.dtype);

        // A refresh takes the float32 values after they change.
        using (no_grad()) linear.weight!.add_(1);
        low.Refresh();
        Assert.True(low.Of(linear.weight!).to(ScalarType.Float32).allclose(linear.weight!, rtol: 1e-2, atol: 1e-2));
    }

    [Theory]
    [InlineData(typeof(LeNet5), new long[] { 4, 1, 32, 32 })]
    [InlineData(typeof(SamePaddedSequence), new long[] { 3, 4, 60 })]
    [InlineData(typeof(SequenceCnn), new long[] { 3, 4, 100 })]
    public void Generated_convolutions_compute_in_low_precision_with_their_declared_settings(Type modelType, long[] inputShape)
    {
        // Strided, padded, same-padded, dilated and grouped convolutions, 1-d and 2-d, with and without bias.
        manual_seed(3);
        using var model = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(modelType)!;
        model.eval();
        using var flat = new Optimization.FlatParameters(model);
        using var low = new LowPrecisionWeights(flat, ScalarType.BFloat16);
        var x = randn(inputShape);
        var expected = model.call(x);
        Assert.NotEmpty(model.modules().OfType<TorchSharp.Modules.Convolution>());
        Tensor actual;
        using (LowPrecision.Use(low)) actual = model.call(x);

        // SamePaddedSequence is convolutions only: its output is bfloat16 only if they computed in it.
        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        // Same shapes as float32's, numbers within bfloat16's rounding (8 bits of mantissa, through a few layers).
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double difference = (actual.to(ScalarType.Float32) - expected).abs().max().item<float>();
        Assert.True(difference <= 0.05 * scale, $"largest difference {difference:G3}, largest float32 value {scale:G3}");
        Assert.True(difference > 0, "nothing was computed in bfloat16");
        // Backward runs through the bfloat16 convolutions into the low-precision gradients of every parameter.
        actual.to(ScalarType.Float32).sum().backward();
        low.MergeGradients();
        Assert.All(model.named_parameters(), p => Assert.True(p.parameter.grad is { } g && g.abs().sum().item<float>() > 0, p.name));
    }

    [Fact]
    public void A_convolution_that_pads_by_reflection_keeps_its_float32_path()
    {
        using var conv = nn.Conv2d(2, 3, 3, padding: 1, padding_mode: TorchSharp.PaddingModes.Reflect);
        using var flat = new Optimization.FlatParameters(conv);
        using var low = new LowPrecisionWeights(flat, ScalarType.BFloat16);
        var x = randn(1, 2, 5, 5);
        var expected = conv.call(x);
        using (LowPrecision.Use(low))
        {
            var actual = LowPrecision.Convolution(conv, x.to(ScalarType.BFloat16));
            Assert.Equal(ScalarType.Float32, actual.dtype);
            Assert.True(actual.allclose(expected, rtol: 2e-2, atol: 2e-2));
        }
    }

    [Fact]
    public void The_loss_scaler_skips_overflowing_steps_and_shrinks_then_grows()
    {
        var scaler = new LossScaler();
        Assert.Equal(65536, scaler.Scale);
        var gradients = tensor(new[] { 65536f, -131072f });
        Assert.True(scaler.Unscale(gradients));
        Assert.Equal([1f, -2f], gradients.data<float>().ToArray());
        Assert.True(scaler.Update(true));
        Assert.False(scaler.Unscale(tensor(new[] { 1f, float.PositiveInfinity })));
        Assert.False(scaler.Unscale(tensor(new[] { float.NaN })));
        Assert.False(scaler.Update(false));
        Assert.Equal(32768, scaler.Scale);
        Assert.Equal(0, scaler.GoodSteps);
        for (int i = 0; i < LossScaler.GrowthInterval - 1; i++) Assert.True(scaler.Update(true));
        Assert.Equal(32768, scaler.Scale);
        Assert.True(scaler.Update(true));
        Assert.Equal(65536, scaler.Scale);
        Assert.Equal(1, scaler.Skipped);
    }

    [Fact]
    public void A_float16_step_whose_gradients_overflow_changes_no_weight()
    {
        var data = new CyclicText().Load(Config.Seed);
        using var trainer = new LanguageModelTrainer(Config with { Precision = Precision.Fp16 });
        trainer.ChoosePrecision(PrecisionFallback.Emulate);
        var (input, target) = (data.Train.Features.narrow(0, 0, 16), data.Train.Targets.narrow(0, 0, 16));
        trainer.TrainStep(input, target);
        var before = trainer.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        // A scale that overflows float32 itself: every gradient is infinite.
        trainer.LossScaler!.Restore(new LossScaleState(1e38, 5));
        trainer.TrainStep(input, target);
        foreach (var (name, tensor) in trainer.Model.state_dict()) Assert.True(tensor.eq(before[name]).all().item<bool>(), $"{name} changed in a skipped step");
        Assert.Equal(5e37, trainer.LossScaler.Scale);
        Assert.Equal(1, trainer.LossScaler.Skipped);
        trainer.LossScaler.Restore(new LossScaleState(1024, 0));
        trainer.TrainStep(input, target);
        Assert.Contains(trainer.Model.state_dict(), p => !p.Value.eq(before[p.Key]).all().item<bool>());
    }

    [Fact]
    public void A_resumed_float16_run_ends_with_the_weights_and_loss_scale_of_one_never_stopped()
    {
        var config = Config with { Precision = Precision.Fp16, Epochs = 2 };
        var data = new CyclicText().Load(config.Seed);
        using var whole = new LanguageModelTrainer(config);
        whole.Fit(data.Train, data.Validation, SilentProgress.Instance, Emulated);

        string checkpoint;
        using (var stopped = new LanguageModelTrainer(config))
        {
            // Stopped inside the second epoch: the scaler's count of good steps must come back from the checkpoint.
            checkpoint = stopped.Fit(data.Train, data.Validation, SilentProgress.Instance, Emulated with { CheckpointFolder = Path.Combine(_folder, "checkpoints"), StopAfterStep = 19 }).LastCheckpoint!;
        }
        Assert.Contains("\"lossScale\"", File.ReadAllText(Path.Combine(checkpoint, "trainer.json")));
        using var resumed = new LanguageModelTrainer(config);
        resumed.Fit(data.Train, data.Validation, SilentProgress.Instance, Emulated with { ResumeFrom = checkpoint });

        var expected = whole.Model.state_dict();
        foreach (var (name, tensor) in resumed.Model.state_dict()) Assert.True(tensor.eq(expected[name]).all().item<bool>(), $"{name} differs");
        Assert.Equal(whole.LossScaler!.State, resumed.LossScaler!.State);
    }

    [Fact]
    public void Cpu_flags_say_whether_a_precision_is_computed_or_emulated()
    {
        Assert.Null(PrecisionSupport.Lacks(Precision.Fp32, CPU, "fpu sse2"));
        Assert.Equal("this CPU has no bfloat16 instructions (AVX512-BF16 or AMX-BF16), so libtorch would emulate bfloat16, slower than float32",
            PrecisionSupport.Lacks(Precision.Bf16, CPU, "fpu sse2 avx2 fma"));
        Assert.Null(PrecisionSupport.Lacks(Precision.Bf16, CPU, "avx2 avx512f avx512_bf16"));
        Assert.Null(PrecisionSupport.Lacks(Precision.Bf16, CPU, "avx2 amx_bf16 amx_tile"));
        Assert.NotNull(PrecisionSupport.Lacks(Precision.Fp16, CPU, "avx2 amx_bf16 avx512_bf16"));
        Assert.Null(PrecisionSupport.Lacks(Precision.Fp16, CPU, "avx512_fp16"));
        Assert.Null(PrecisionSupport.Lacks(Precision.Bf16, new Device(TorchSharp.DeviceType.CUDA), "avx2"));
    }

    [Fact]
    public void Without_the_instructions_the_trainer_falls_back_refuses_or_emulates_as_asked()
    {
        var config = Config with { Precision = Precision.Bf16 };
        bool computed = PrecisionSupport.Lacks(Precision.Bf16, CPU) is null;
        using (var fallback = new LanguageModelTrainer(config))
        {
            string? note = fallback.ChoosePrecision(PrecisionFallback.Fp32);
            Assert.Equal(computed ? Precision.Bf16 : Precision.Fp32, fallback.Precision);
            Assert.Equal(computed, note is null);
            if (note is not null) Assert.EndsWith("; training in float32 instead (--precision-fallback refuse stops, emulate runs bf16 anyway)", note);
            // Settled once: asking again changes nothing and says nothing.
            Assert.Null(fallback.ChoosePrecision(PrecisionFallback.Emulate));
        }
        using (var emulated = new LanguageModelTrainer(config))
        {
            emulated.ChoosePrecision(PrecisionFallback.Emulate);
            Assert.Equal(Precision.Bf16, emulated.Precision);
        }
        using var refused = new LanguageModelTrainer(config);
        if (computed) Assert.Null(refused.ChoosePrecision(PrecisionFallback.Refuse));
        else Assert.StartsWith("Option '--precision bf16': this CPU has no bfloat16", Assert.Throws<HyperParameterException>(() => refused.ChoosePrecision(PrecisionFallback.Refuse)).Message);
    }

    [Fact]
    public void Lora_adapters_train_in_low_precision_and_follow_the_float32_adapters()
    {
        // Every linear layer adapted, attention's projections included; the base stays frozen.
        var config = Config with { Lora = "*", LoraRank = 4, Epochs = 2 };
        var data = new CyclicText().Load(config.Seed);
        using var reference = new LanguageModelTrainer(config);
        var full = reference.Fit(data.Train, data.Validation, SilentProgress.Instance);
        using var mixed = new LanguageModelTrainer(config with { Precision = Precision.Bf16 });
        var before = mixed.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var low = mixed.Fit(data.Train, data.Validation, SilentProgress.Instance, Emulated);

        Assert.Equal(Precision.Bf16, mixed.Precision);
        for (int epoch = 0; epoch < config.Epochs; epoch++)
        {
            double expected = full.Epochs[epoch].Validation.Loss, actual = low.Epochs[epoch].Validation.Loss;
            Assert.True(Math.Abs(actual - expected) <= 0.02 * expected + 0.01, $"epoch {epoch + 1}: validation loss {actual:F4} in bf16, {expected:F4} in float32");
        }
        Assert.True(low.Final.TrainLoss < low.Epochs[0].TrainLoss, $"train loss {low.Epochs[0].TrainLoss:F4} -> {low.Final.TrainLoss:F4}");
        var after = mixed.Model.state_dict();
        var adapters = after.Keys.Where(name => name.Contains(".lora.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(adapters);
        // The base is as it was; the adapters learned, in bfloat16: close to float32's, not equal.
        Assert.All(after.Where(p => !adapters.Contains(p.Key)), p => Assert.True(p.Value.eq(before[p.Key]).all().item<bool>(), p.Key));
        Assert.Contains(adapters, name => name.EndsWith(".B", StringComparison.Ordinal) && !after[name].eq(before[name]).all().item<bool>());
        var expectedWeights = reference.Model.state_dict();
        Assert.Contains(adapters, name => !after[name].eq(expectedWeights[name]).all().item<bool>());
        Assert.All(mixed.FusedOptimizer.Parameters.Slots, slot => Assert.Contains(".lora.", slot.Name));
    }

    [Fact]
    public void The_command_line_names_the_precision_or_refuses_in_one_line()
    {
        string folder = Path.Combine(_folder, "run");
        var (code, _, error) = CommandLineTests.Run("--precision-fallback", "bogus", "--output", folder);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: Option '--precision-fallback' expects fp32, refuse or emulate; got 'bogus'.", error.Trim());
        Assert.False(Directory.Exists(folder));

        // Emulated, so the same on every host: the header says how it trains.
        var (trained, output, _) = CommandLineTests.Run("--precision", "bf16", "--precision-fallback", "emulate", "--epochs", "1", "--output", folder);
        Assert.Equal(ExitCodes.Success, trained);
        Assert.Contains("BlobTrainer on cpu", output);
        Assert.Contains(", bf16 mixed precision, ", output);
        Assert.Contains("\"precision\": \"Bf16\"", File.ReadAllText(Path.Combine(folder, "config.json")));

        var (refused, _, why) = CommandLineTests.Run("--precision", "fp16", "--precision-fallback", "refuse", "--output", Path.Combine(_folder, "refused"));
        if (PrecisionSupport.Lacks(Precision.Fp16, CPU) is { } lacks)
        {
            Assert.Equal(ExitCodes.Usage, refused);
            Assert.Equal($"error: Option '--precision fp16': {lacks}; train with --precision fp32, or give --precision-fallback emulate to run fp16 anyway.", why.Trim());
        }
        else Assert.Equal(ExitCodes.Success, refused);
    }
}
