using System;
using System.Linq;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

public class TrainingStepTests
{
    private static readonly MlpConfig Config = new() { Hidden = 16, Dropout = 0, BatchSize = 32, LearningRate = 1e-2, Seed = 4 };

    [Fact]
    public void Accumulating_micro_batches_gives_the_whole_batch_update()
    {
        using var batch = Blobs.Make(32, 9);
        using var whole = new BlobTrainer(Config);
        using var accumulated = new BlobTrainer(Config with { AccumulateBatches = 4 });
        using var wholeLoss = whole.TrainStep(batch.Features, batch.Targets);
        using var accumulatedLoss = accumulated.TrainStep(batch.Features, batch.Targets);
        Assert.Equal(wholeLoss.item<float>(), accumulatedLoss.item<float>(), 5);
        Assert.True(whole.FusedOptimizer.Parameters.Gradients.allclose(accumulated.FusedOptimizer.Parameters.Gradients, 1e-4, 1e-6));
        Assert.True(whole.FusedOptimizer.Parameters.Values.allclose(accumulated.FusedOptimizer.Parameters.Values, 1e-5, 1e-7));
    }

    [Fact]
    public void L1_adds_its_sign_gradient_to_weights_only()
    {
        using var batch = Blobs.Make(32, 9);
        using var plain = new BlobSgdTrainer(Config with { Momentum = 0, WeightDecay = 0 });
        using var regularised = new BlobSgdTrainer(Config with { Momentum = 0, WeightDecay = 0, L1 = 0.5 });
        using var _ = plain.TrainStep(batch.Features, batch.Targets);
        using var __ = regularised.TrainStep(batch.Features, batch.Targets);
        var flat = regularised.FusedOptimizer.Parameters;
        long decayed = flat.DecayedElements;
        using var difference = regularised.FusedOptimizer.Parameters.Gradients - plain.FusedOptimizer.Parameters.Gradients;
        // Both started from the same weights: the gradients differ by 0.5 * sign(w_before) on weights, not at all on biases.
        Assert.True(difference.narrow(0, 0, decayed).abs().allclose(full(decayed, 0.5f), 1e-5, 1e-6));
        Assert.Equal(0f, difference.narrow(0, decayed, flat.Count - decayed).abs().max().item<float>());
    }

    [Fact]
    public void Early_stopping_ends_the_run_when_validation_stops_improving()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config with { Epochs = 6, LearningRate = 0, EarlyStopping = 2 });
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        Assert.True(result.StoppedEarly);
        Assert.Equal(3, result.Epochs.Count);
    }

    [Fact]
    public void Three_hundred_steps_of_a_deep_mlp_leave_no_tensor_behind()
    {
        using var batch = Blobs.Make(64, 3);
        using var trainer = new DeepTrainerWithLayers(Config);
        for (int i = 0; i < 20; i++) trainer.TrainStep(batch.Features, batch.Targets).Dispose();
        // The counter is process-wide: let other tests' abandoned tensors be finalized first.
        long before = LiveTensors.Settled();
        for (int i = 0; i < 300; i++) trainer.TrainStep(batch.Features, batch.Targets).Dispose();
        long after = LiveTensors.Settled();
        Assert.Equal(before, after);
    }

    [Fact]
    public void A_trainer_draws_from_its_own_random_stream_and_leaves_libtorchs_generator_alone()
    {
        var data = new Blobs().Load(Config.Seed);
        var config = Config with { Dropout = 0.5, Epochs = 2 };
        manual_seed(1234);
        using var before = get_rng_state();
        using var quiet = new BlobTrainer(config);
        quiet.Fit(data.Train, data.Validation, SilentProgress.Instance);
        using var after = get_rng_state();
        Assert.True(before.data<byte>().ToArray().SequenceEqual(after.data<byte>().ToArray()), "the trainer changed libtorch's global generator");

        // The caller drawing from the global generator between steps changes nothing in the run.
        using var busy = new BlobTrainer(config);
        busy.Fit(data.Train, data.Validation, new EveryStep(() => rand(7).Dispose()));
        foreach (var ((name, a), (_, b)) in quiet.Model.state_dict().Zip(busy.Model.state_dict()))
        {
            Assert.True(a.allclose(b, 0, 0), $"{name} differs");
        }
    }

    /// <summary>Runs an action after every step.</summary>
    private sealed class EveryStep(Action action) : ITrainingProgress
    {
        public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep) { }
        public bool WantsStep(long stepInEpoch) => true;
        public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate) => action();
        public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed) { }
        public void FitEnded() { }
    }
}

/// <summary>TorchSharp's process-wide count of live tensors, once abandoned ones have been finalized.</summary>
internal static class LiveTensors
{
    public static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }
}

/// <summary>Puts libtorch's intra-op thread count back as it was, for tests that change it (it is process-wide).</summary>
internal sealed class RestoresThreadCount : IDisposable
{
    private readonly int _configured = get_num_threads();

    public void Dispose() => set_num_threads(_configured);
}
