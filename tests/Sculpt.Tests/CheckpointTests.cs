using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.Checkpoints;
using Sculpt.Data;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

public sealed class CheckpointTests : IDisposable
{
    // Blobs: 480 training rows, 32 per batch: 15 steps per epoch. The MLP has dropout, so the random state matters.
    private static readonly MlpConfig Config = new() { Hidden = 16, Epochs = 3, BatchSize = 32, LearningRate = 1e-2, Seed = 11, Schedule = Sculpt.Optimization.Schedule.WarmupCosine, WarmupSteps = 10 };
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"sculpt-checkpoints-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_run_stopped_mid_epoch_and_resumed_matches_an_uninterrupted_run_bit_for_bit() =>
        AssertResumeMatches(config => new BlobTrainer(config), t => t.Fit, t => t.Model.state_dict());

    private delegate FitResult Fitting(TensorDataset train, TensorDataset validation, ITrainingProgress? progress, FitOptions? options);

    private void AssertResumeMatches<TTrainer>(Func<MlpConfig, TTrainer> create, Func<TTrainer, Fitting> fit, Func<TTrainer, Dictionary<string, Tensor>> weights)
        where TTrainer : IDisposable
    {
        var data = new Blobs().Load(Config.Seed);
        using var whole = create(Config);
        var expected = fit(whole)(data.Train, data.Validation, SilentProgress.Instance, null);

        using var first = create(Config);
        var stopped = fit(first)(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = _folder, StopAfterStep = 20 });
        Assert.True(stopped.Interrupted);
        Assert.Equal(Path.Combine(_folder, "step-000000020"), stopped.LastCheckpoint);
        Assert.Single(stopped.Epochs);

        // A fresh trainer: weights, optimizer state, schedule and random state come from the checkpoint.
        using var second = create(Config);
        var resumed = fit(second)(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { ResumeFrom = stopped.LastCheckpoint });

        Assert.False(resumed.Interrupted);
        Assert.Equal(expected.Epochs.Select(e => e.TrainLoss), resumed.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(expected.Epochs.Select(e => e.Validation.Loss), resumed.Epochs.Select(e => e.Validation.Loss));
        Assert.Equal(expected.Epochs.Select(e => e.LearningRate), resumed.Epochs.Select(e => e.LearningRate));
        foreach (var ((name, a), (_, b)) in weights(whole).Zip(weights(second)))
        {
            Assert.True(a.allclose(b, 0, 0), $"{name} differs after resuming");
        }
    }

    [Fact]
    public void The_per_step_cuda_seeds_never_repeat_across_steps_or_run_seeds()
    {
        // Only a GPU run uses them; a repeat would give two steps the same dropout masks.
        var seeds = Enumerable.Range(0, 20).SelectMany(seed => Enumerable.Range(1, 5000).Select(step => Seeds.ForStep(seed, step))).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
    }

    [Fact]
    public void A_checkpoint_round_trips_weights_and_optimizer_state_exactly_and_keeps_the_newest()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config with { Epochs = 2 });
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = _folder, CheckpointEvery = 4, KeepLast = 2 });
        Assert.Equal(new[] { "step-000000028", "step-000000030" }, Directory.GetDirectories(_folder, "step-*").Select(Path.GetFileName).Order());
        Assert.True(Directory.Exists(Path.Combine(_folder, "best")));
        Assert.Empty(Directory.GetDirectories(_folder, "*.tmp-*"));

        using var fresh = new BlobTrainer(Config with { Seed = 5 });
        var state = Checkpoint.Load(result.LastCheckpoint!, fresh.Model, fresh.FusedOptimizer);
        Assert.Equal(30, state.Step);
        Assert.Equal(3, state.Epoch);
        Assert.Equal(2, state.History.Count);
        trainer.Model.eval();
        fresh.Model.eval();
        using var expected = trainer.Model.call(data.Validation.Features);
        using var actual = fresh.Model.call(data.Validation.Features);
        Assert.True(expected.allclose(actual, 0, 0));
        foreach (var (name, buffer) in trainer.FusedOptimizer.State) Assert.True(buffer.allclose(fresh.FusedOptimizer.State[name], 0, 0), name);
        Assert.Equal(trainer.FusedOptimizer.Steps, fresh.FusedOptimizer.Steps);
    }

    [Fact]
    public void Pruning_after_resuming_from_an_older_step_keeps_the_fresh_checkpoint_and_ignores_temporaries()
    {
        var data = new Blobs().Load(Config.Seed);
        using (var first = new BlobTrainer(Config))
        {
            first.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = _folder, CheckpointEvery = 5, KeepLast = 20 });
        }
        Assert.Equal(9, Directory.GetDirectories(_folder, "step-*").Length);
        // What saves in progress leave (here of a live process, this one): neither is a checkpoint to count or to delete.
        int live = Environment.ProcessId;
        foreach (string leftover in new[] { $"step-000000099.tmp-{live}", $"step-000000098.old-{live}" })
        {
            Directory.CreateDirectory(Path.Combine(_folder, leftover));
            File.WriteAllText(Path.Combine(_folder, leftover, Checkpoint.StateFile), "{}");
        }

        using var second = new BlobTrainer(Config);
        var resumed = second.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions
        {
            CheckpointFolder = _folder, ResumeFrom = Path.Combine(_folder, "step-000000010"), StopAfterStep = 12, KeepLast = 2,
        });

        Assert.Equal(Path.Combine(_folder, "step-000000012"), resumed.LastCheckpoint);
        Assert.Equal(
            new[] { "step-000000012", "step-000000045", $"step-000000098.old-{live}", $"step-000000099.tmp-{live}" },
            Directory.GetDirectories(_folder, "step-*").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_checkpoint_left_aside_by_a_crash_between_the_renames_is_put_back()
    {
        string checkpoint = Checkpointed();
        string best = Path.Combine(_folder, "best");
        string aside = best + ".old-99999";
        using var trainer = new BlobTrainer(Config);

        // The crash came after the old folder was moved aside and before the new one took its place.
        Directory.Move(best, aside);
        Assert.Equal(2, Checkpoint.Load(best, trainer.Model, trainer.FusedOptimizer).Epoch);
        Assert.False(Directory.Exists(aside));

        // Saving over it restores it first and leaves no leftovers; nor does it keep a stale one
        // from a crash after the second rename.
        Directory.Move(best, aside);
        Directory.CreateDirectory(best + ".old-99998");
        var state = Checkpoint.Load(checkpoint, trainer.Model, trainer.FusedOptimizer);
        Checkpoint.Save(best, trainer.Model, trainer.FusedOptimizer, state with { Step = 99 });
        Assert.Equal(99, Checkpoint.Load(best, trainer.Model, trainer.FusedOptimizer).Step);
        Assert.Empty(Directory.GetDirectories(_folder, "best.*-*"));
    }

    [Fact]
    public void A_changed_byte_or_a_cut_file_is_refused_with_a_message_naming_it()
    {
        string checkpoint = Checkpointed();
        string model = Path.Combine(checkpoint, Checkpoint.ModelFile);
        var bytes = File.ReadAllBytes(model);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(model, bytes);
        using var trainer = new BlobTrainer(Config);
        var flipped = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(checkpoint, trainer.Model, trainer.FusedOptimizer));
        Assert.Contains($"'{model}' does not match the checksum", flipped.Message);

        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        var cut = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(checkpoint, trainer.Model, trainer.FusedOptimizer));
        Assert.Contains("does not match the checksum", cut.Message);

        // The format itself refuses a cut file, checksum or not.
        using var stream = new MemoryStream(bytes[..(bytes.Length / 2)]);
        var truncated = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(stream, "weights.safetensors"));
        Assert.StartsWith("'weights.safetensors' is not a valid safetensors file: tensor '", truncated.Message);
    }

    [Fact]
    public void Loading_into_a_different_model_lists_the_differences_by_name()
    {
        string checkpoint = Checkpointed();
        using var wider = new BlobTrainer(Config with { Hidden = 24 });
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(checkpoint, wider.Model, wider.FusedOptimizer));
        Assert.Contains("'Hidden1.weight' is Float32 [16, 12] in the file but Float32 [24, 12] in the model", error.Message);
        Assert.Contains("'Classify.weight' is Float32 [3, 16] in the file but Float32 [3, 24] in the model", error.Message);
    }

    [Fact]
    public void The_weights_file_is_standard_safetensors()
    {
        string checkpoint = Checkpointed();
        string model = Path.Combine(checkpoint, Checkpoint.ModelFile);
        var bytes = File.ReadAllBytes(model);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, (8 + headerLength) % 8);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{\"__metadata__\":{\"format\":\"pt\"},\"Hidden1.weight\":{\"dtype\":\"F32\",\"shape\":[16,12],\"data_offsets\":[0,768]}", header);
        using var trainer = new BlobTrainer(Config);
        using var stream = File.OpenRead(model);
        var entries = SafeTensorsFile.ReadEntries(stream, model);
        Assert.Equal(trainer.Model.state_dict().Keys, entries.Select(e => e.Name));
    }

    [Fact]
    public void A_loss_that_becomes_nan_stops_training_naming_the_step_and_the_last_good_checkpoint()
    {
        string good = Checkpointed();
        var data = new Blobs().Load(Config.Seed);
        using (no_grad()) data.Train.Features[7].fill_(float.NaN);
        using var trainer = new BlobTrainer(Config);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(
            data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = _folder, ResumeFrom = good, CheckEvery = 1 }));
        Assert.Matches(@"^The training loss became NaN by step (1[6-9]|2\d|30); stopped there \(the last good checkpoint is ", error.Message);
        Assert.EndsWith($"the last good checkpoint is {good}). Lower the learning rate, or set --clip-grad-norm.", error.Message);
        Assert.Equal(new[] { good }, Directory.GetDirectories(_folder, "step-*"));
    }

    [Fact]
    public void Writing_a_safetensors_file_frees_its_temporary_tensors_and_leaves_the_callers_alone()
    {
        using var weight = randn(4, 3);
        using var transposed = weight.t();
        using var stream = new MemoryStream();
        // Statistics are per thread: only this write's tensors count.
        TorchSharp.DisposeScopeManager.Statistics.Reset();
        SafeTensorsFile.Write(stream, [("weight", weight), ("transposed", transposed)]);
        Assert.Equal(0, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.False(weight.IsInvalid);
        Assert.False(transposed.IsInvalid);

        stream.Position = 0;
        var read = SafeTensorsFile.Read(stream, "memory");
        Assert.True(read["transposed"].allclose(transposed, 0, 0));
        foreach (var tensor in read.Values) tensor.Dispose();
    }

    [Fact]
    public void A_nan_validation_loss_round_trips_through_the_checkpoint_and_is_never_the_best()
    {
        var data = new Blobs().Load(Config.Seed);
        using var clean = data.Validation.Features.clone();
        // Epoch 2 is evaluated on poisoned features; epochs 1 and 3 on the real ones.
        var poison = new OnEpoch(epoch =>
        {
            using (no_grad())
            {
                if (epoch == 1) data.Validation.Features[0].fill_(float.NaN);
                else data.Validation.Features.copy_(clean);
            }
        });
        using var trainer = new BlobTrainer(Config with { EarlyStopping = 2 });
        var result = trainer.Fit(data.Train, data.Validation, poison, new FitOptions { CheckpointFolder = _folder });

        Assert.Equal(3, result.Epochs.Count);
        Assert.False(result.StoppedEarly);
        Assert.True(double.IsNaN(result.Epochs[1].Validation.Loss));
        Assert.True(result.Epochs[2].Validation.Loss < result.Epochs[0].Validation.Loss, "precondition: epoch 3 beats epoch 1");

        using var fresh = new BlobTrainer(Config);
        var state = Checkpoint.Load(result.LastCheckpoint!, fresh.Model, fresh.FusedOptimizer);
        Assert.True(double.IsNaN(state.History[1].Validation.Loss));
        Assert.Equal(result.Epochs.Select(e => e.Validation.Loss), state.History.Select(e => e.Validation.Loss));
        // The best checkpoint was taken after epoch 3 (it resumes at epoch 4), not left at epoch 1.
        Assert.Equal(4, Checkpoint.Load(Path.Combine(_folder, "best"), fresh.Model, fresh.FusedOptimizer).Epoch);
    }

    [Fact]
    public void An_epoch_with_a_nan_validation_loss_is_not_the_best_whatever_its_accuracy()
    {
        static EpochReport Epoch(int epoch, double loss, double accuracy) => new(epoch, epoch * 15, 0.5, new Evaluation(loss, accuracy, 120), 1000, TimeSpan.FromSeconds(1), 1e-2);
        var result = new FitResult([Epoch(1, 0.30, 0.90), Epoch(2, double.NaN, 0.95), Epoch(3, 0.25, 0.92)], TimeSpan.FromSeconds(3));
        Assert.Equal(3, result.Best.Epoch);
        var diverged = new FitResult([Epoch(1, double.NaN, 0.5), Epoch(2, double.PositiveInfinity, 0.6)], TimeSpan.FromSeconds(2));
        Assert.Equal(2, diverged.Best.Epoch);
    }

    [Fact]
    public void Infinite_numbers_in_the_trainer_state_are_written_as_names_and_read_back()
    {
        using var trainer = new BlobTrainer(Config);
        var history = new[]
        {
            new EpochReport(1, 15, double.PositiveInfinity, new Evaluation(double.NegativeInfinity, null, 120), 1000, TimeSpan.FromSeconds(1), 1e-2),
        };
        var state = new TrainingState(15, 2, 0, double.NaN, new Sculpt.Optimization.ScheduleState(1e-2, double.PositiveInfinity, 0), history);
        string folder = Path.Combine(_folder, "manual");
        Checkpoint.Save(folder, trainer.Model, trainer.FusedOptimizer, state);
        string json = File.ReadAllText(Path.Combine(folder, Checkpoint.StateFile));
        Assert.Contains("\"trainLoss\": \"Infinity\"", json);
        Assert.Contains("\"validationLoss\": \"-Infinity\"", json);
        Assert.Contains("\"epochLossSum\": \"NaN\"", json);

        var loaded = Checkpoint.Load(folder, trainer.Model, trainer.FusedOptimizer);
        Assert.True(double.IsNaN(loaded.EpochLossSum));
        Assert.Equal(double.PositiveInfinity, loaded.Schedule.Best);
        Assert.Equal(double.PositiveInfinity, loaded.History[0].TrainLoss);
        Assert.Equal(double.NegativeInfinity, loaded.History[0].Validation.Loss);
    }

    [Fact]
    public void Weights_that_became_nan_after_a_finite_loss_are_never_checkpointed()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config);
        // The update after step 20's (finite) loss made a weight NaN, just before the checkpoint due at step 20.
        var diverge = new OnStep(step =>
        {
            if (step != 20) return;
            using (no_grad()) trainer.Model.parameters().First().view(-1)[3].fill_(float.NaN);
        });
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(
            data.Train, data.Validation, diverge, new FitOptions { CheckpointFolder = _folder, CheckpointEvery = 10 }));
        Assert.Equal($"The model's weights became NaN or infinite by step 20 (first in 'Hidden1.weight'); stopped there (the last good checkpoint is {Path.Combine(_folder, "step-000000015")}). Lower the learning rate, or set --clip-grad-norm.", error.Message);
        Assert.Equal(new[] { "step-000000010", "step-000000015" }, Directory.GetDirectories(_folder, "step-*").Select(Path.GetFileName).Order());
    }

    /// <summary>Runs an action after each completed epoch.</summary>
    private sealed class OnEpoch(Action<int> action) : ITrainingProgress
    {
        public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep) { }
        public bool WantsStep(long stepInEpoch) => false;
        public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate) { }
        public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed) => action(report.Epoch);
        public void FitEnded() { }
    }

    /// <summary>Runs an action after every step.</summary>
    private sealed class OnStep(Action<long> action) : ITrainingProgress
    {
        public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep) { }
        public bool WantsStep(long stepInEpoch) => true;
        public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate) => action(step);
        public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed) { }
        public void FitEnded() { }
    }

    private string Checkpointed()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config with { Epochs = 1 });
        return trainer.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = _folder }).LastCheckpoint!;
    }
}
