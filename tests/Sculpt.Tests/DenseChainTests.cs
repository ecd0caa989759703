using System;
using System.Collections.Generic;
using System.Linq;
using Sculpt.Models;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

public class DenseChainTests
{
    private static readonly MlpConfig Config = new() { Hidden = 32, Dropout = 0, BatchSize = 32, LearningRate = 1e-2, Seed = 5 };

    [Fact]
    public void The_generator_lists_a_chain_with_repeated_blocks_in_forward_order()
    {
        using var model = new DenseStack(Config);
        var steps = new List<DenseChainStep>();
        Assert.True(((IDenseChain)model).TryAppendChain("", steps));
        var expected = new List<DenseChainStep> { DenseChainStep.Flatten.Instance, new DenseChainStep.Linear("Input", Bias: true) };
        for (int i = 0; i < 32; i++)
        {
            expected.Add(new DenseChainStep.Linear($"Layers.{i}.Dense", Bias: true));
            expected.Add(DenseChainStep.Relu.Instance);
        }
        expected.Add(new DenseChainStep.Linear("Classify", Bias: true));
        Assert.Equal(expected, steps);
        // Every Linear names parameters the model has.
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.All(steps.OfType<DenseChainStep.Linear>(), l => Assert.Contains(l.Name + ".weight", names));
    }

    [Fact]
    public void Models_that_are_not_chains_do_not_claim_to_be()
    {
        // A residual connection, a dropout, and blocks that are residual.
        using var residual = new ResidualMix(Config);
        using var withDropout = new Mlp(Config);
        using var repeated = new RepeatedMlp(Config);
        Assert.IsNotAssignableFrom<IDenseChain>(residual);
        Assert.IsNotAssignableFrom<IDenseChain>(withDropout);
        // Its own forward is a chain of blocks, but the blocks are not chains: it says so at run time.
        var steps = new List<DenseChainStep>();
        Assert.False(((IDenseChain)repeated).TryAppendChain("", steps));
    }

    [Fact]
    public void Chain_steps_give_autograds_losses_gradients_and_weights_bit_for_bit()
    {
        using var chained = new DeepTrainerWithLayers(Config);
        using var autograd = new DeepTrainerWithLayers(Config) { DenseChainEnabled = false };
        AssertSameSteps(chained.TrainStep, autograd.TrainStep, chained.FusedOptimizer.Parameters, autograd.FusedOptimizer.Parameters);
    }

    [Fact]
    public void On_linux_x64_the_products_call_mkl_directly()
    {
        // The bit-for-bit tests above then cover the direct calls, not only addmm_.
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.True(DenseChain.CallsMklDirectly);
        }
    }

    [Fact]
    public void Bias_free_and_back_to_back_layers_and_a_final_relu_match_autograd_bit_for_bit()
    {
        using var chained = new UnevenChainTrainer(Config);
        using var autograd = new UnevenChainTrainer(Config) { DenseChainEnabled = false };
        AssertSameSteps((x, y) => chained.TrainStep(x.flatten(1), y), (x, y) => autograd.TrainStep(x.flatten(1), y),
            chained.FusedOptimizer.Parameters, autograd.FusedOptimizer.Parameters);
    }

    [Fact]
    public void A_layer_applied_twice_gets_the_sum_of_both_uses_as_autograd_sums_them()
    {
        using var chained = new TwiceAppliedTrainer(Config);
        using var autograd = new TwiceAppliedTrainer(Config) { DenseChainEnabled = false };
        AssertSameSteps(chained.TrainStep, autograd.TrainStep, chained.FusedOptimizer.Parameters, autograd.FusedOptimizer.Parameters);
    }

    [Fact]
    public void One_thread_or_several_the_products_give_the_same_bits()
    {
        using var threads = new RestoresThreadCount();
        using var chained = new WideChainTrainer(Config);
        using var autograd = new WideChainTrainer(Config) { DenseChainEnabled = false };
        AssertOneThreadMatchesSeveral(chained.TrainStep, autograd.TrainStep, chained.FusedOptimizer.Parameters, autograd.FusedOptimizer.Parameters, rows: 256);
        // At one configured thread there is nothing to choose.
        Assert.Equal(1, chained.DenseChain!.ProductThreads);
    }

    [Fact]
    public void The_thread_count_is_chosen_after_eight_warm_up_steps_and_thirty_two_measured_ones_and_measured_again_later()
    {
        using var threads = new RestoresThreadCount();
        set_num_threads(2);
        using var trainer = new DeepTrainerWithLayers(Config);
        using var batch = Blobs.Make(32, 4);
        void Steps(int count)
        {
            for (int step = 0; step < count; step++) trainer.TrainStep(batch.Features, batch.Targets).Dispose();
        }
        Steps(39);
        Assert.Null(trainer.DenseChain!.ProductThreads);
        Assert.Equal(0, trainer.DenseChain.ThreadDecisions);
        // Between steps libtorch's own setting is left as it was.
        Assert.Equal(2, get_num_threads());
        Steps(1);
        Assert.Contains(trainer.DenseChain.ProductThreads, new int?[] { 1, 2 });
        Assert.Equal(1, trainer.DenseChain.ThreadDecisions);
        Assert.Equal(2, get_num_threads());
        // 256 steps later the choice is measured again (32 steps, no warm-up), then after 512 more.
        Steps(256 + 31);
        Assert.Equal(1, trainer.DenseChain.ThreadDecisions);
        Steps(1);
        Assert.Equal(2, trainer.DenseChain.ThreadDecisions);
        Steps(512 + 31);
        Assert.Equal(2, trainer.DenseChain.ThreadDecisions);
        Steps(1);
        Assert.Equal(3, trainer.DenseChain.ThreadDecisions);
        Assert.Equal(2, get_num_threads());
        // A new setting starts over; at one thread there is nothing to measure.
        set_num_threads(1);
        Steps(300);
        Assert.Equal(1, trainer.DenseChain.ProductThreads);
        Assert.Equal(0, trainer.DenseChain.ThreadDecisions);
        // Back at two threads the choice is measured from scratch: warm-up included, 40 steps.
        set_num_threads(2);
        Steps(39);
        Assert.Null(trainer.DenseChain.ProductThreads);
        Steps(1);
        Assert.Equal(1, trainer.DenseChain.ThreadDecisions);
    }

    [Fact]
    public void A_long_batch_through_a_layer_used_twice_at_one_thread_matches_autograd_at_several()
    {
        // Products with a 4096-long sum and a 12 x 12 result: where MKL could split the sum across
        // threads, and where adding each use inside the product would round differently.
        using var threads = new RestoresThreadCount();
        using var chained = new TwiceAppliedTrainer(Config);
        using var autograd = new TwiceAppliedTrainer(Config) { DenseChainEnabled = false };
        AssertOneThreadMatchesSeveral(chained.TrainStep, autograd.TrainStep, chained.FusedOptimizer.Parameters, autograd.FusedOptimizer.Parameters, rows: 4096);
    }

    [Fact]
    public void An_input_of_the_wrong_shape_gets_the_models_own_error_through_the_chain()
    {
        using var trainer = new TwiceAppliedTrainer(Config);
        Assert.NotNull(trainer.DenseChain);
        // Twelve features per row, as the chain needs, but not the declared B 3 2 2.
        using var rows = randn(8, 12);
        using var target = zeros(8, dtype: int64);
        var error = Assert.Throws<ShapeMismatchException>(() => trainer.TrainStep(rows, target));
        Assert.Contains("B 3 2 2", error.Message);
    }

    [Fact]
    public void A_second_forward_pass_before_back_propagating_is_refused()
    {
        using var trainer = new TwoForwardsTrainer(Config);
        using var batch = Blobs.Make(8, 1);
        var error = Assert.Throws<InvalidOperationException>(() => trainer.TwoForwards(batch.Features));
        Assert.Contains("Backpropagate", error.Message);
        // A step that failed that way leaves nothing behind: the next one trains.
        using var loss = trainer.TrainStep(batch.Features, batch.Targets);
        Assert.True(float.IsFinite(loss.item<float>()));
    }

    private sealed class TwoForwardsTrainer(MlpConfig config) : TwiceAppliedTrainer(config)
    {
        public void TwoForwards(Tensor input)
        {
            using var scope = NewDisposeScope();
            TrainingForward(input);
            TrainingForward(input);
        }
    }

    [Fact]
    public void The_chain_refuses_inputs_it_cannot_take_and_the_trainer_calls_the_model_instead()
    {
        using var trainer = new UnevenChainTrainer(Config);
        using var chain = DenseChain.TryCreate(trainer.Model, trainer.FusedOptimizer.Parameters);
        Assert.NotNull(chain);
        using var rows = randn(4, 12);
        using var wide = randn(4, 13);
        using var doubles = randn(4, 12, dtype: float64);
        using var needsGradient = randn(4, 12).requires_grad_();
        Assert.True(chain.Accepts(rows));
        Assert.False(chain.Accepts(wide));
        Assert.False(chain.Accepts(doubles));
        Assert.False(chain.Accepts(needsGradient));
        using var columns = randn(12, 4);
        Assert.False(chain.Accepts(columns.t()));
        var error = Assert.Throws<ArgumentException>(() => chain.Forward(wide));
        Assert.Contains("[B, 12]", error.Message);
        Assert.Contains("[4, 13]", error.Message);
        // The trainer still trains on an input that needs a gradient, through autograd.
        using var target = tensor(new long[] { 0, 1, 2, 0 });
        using var loss = trainer.TrainStep(needsGradient, target);
        Assert.True(float.IsFinite(loss.item<float>()));
        Assert.NotNull(needsGradient.grad);
    }

    [Fact]
    public void A_smaller_last_batch_gets_its_own_buffers_and_the_same_results()
    {
        using var chained = new DeepTrainerWithLayers(Config);
        using var autograd = new DeepTrainerWithLayers(Config) { DenseChainEnabled = false };
        foreach (int rows in new[] { 32, 20, 32, 1, 20 })
        {
            using var batch = Blobs.Make(rows, rows);
            using var a = chained.TrainStep(batch.Features, batch.Targets);
            using var b = autograd.TrainStep(batch.Features, batch.Targets);
            Assert.Equal(BitConverter.SingleToInt32Bits(b.item<float>()), BitConverter.SingleToInt32Bits(a.item<float>()));
        }
        Assert.True(SameBits(chained.FusedOptimizer.Parameters.Values, autograd.FusedOptimizer.Parameters.Values));
    }

    /// <summary>Three steps, the chain on one thread and autograd on several: losses, gradients and weights as bit patterns.</summary>
    private static void AssertOneThreadMatchesSeveral(Func<Tensor, Tensor, Tensor> chained, Func<Tensor, Tensor, Tensor> autograd,
        Optimization.FlatParameters chainedParameters, Optimization.FlatParameters autogradParameters, int rows)
    {
        using var batch = Blobs.Make(rows, 8);
        for (int step = 0; step < 3; step++)
        {
            set_num_threads(1);
            using var a = chained(batch.Features, batch.Targets);
            set_num_threads(Math.Max(2, Environment.ProcessorCount));
            using var b = autograd(batch.Features, batch.Targets);
            Assert.Equal(BitConverter.SingleToInt32Bits(b.item<float>()), BitConverter.SingleToInt32Bits(a.item<float>()));
            Assert.True(SameBits(chainedParameters.Gradients, autogradParameters.Gradients), $"gradients differ at step {step}");
        }
        Assert.True(SameBits(chainedParameters.Values, autogradParameters.Values));
    }

    private static void AssertSameSteps(Func<Tensor, Tensor, Tensor> chained, Func<Tensor, Tensor, Tensor> autograd,
        Optimization.FlatParameters chainedParameters, Optimization.FlatParameters autogradParameters)
    {
        Assert.True(SameBits(chainedParameters.Values, autogradParameters.Values), "the two trainers start from the same weights");
        for (int step = 0; step < 8; step++)
        {
            using var batch = Blobs.Make(32, 100 + step);
            using var a = chained(batch.Features, batch.Targets);
            using var b = autograd(batch.Features, batch.Targets);
            Assert.Equal(BitConverter.SingleToInt32Bits(b.item<float>()), BitConverter.SingleToInt32Bits(a.item<float>()));
            Assert.True(SameBits(chainedParameters.Gradients, autogradParameters.Gradients), $"gradients differ at step {step}");
            Assert.True(SameBits(chainedParameters.Values, autogradParameters.Values), $"weights differ at step {step}");
        }
        // The gradients are not all zero: the comparison saw real backward passes.
        Assert.True(chainedParameters.Gradients.abs().sum().item<float>() > 0);
    }

    /// <summary>Equal as bit patterns, so a -0 against a +0 counts as a difference.</summary>
    private static bool SameBits(Tensor a, Tensor b) =>
        a.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).SequenceEqual(b.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits));
}
