using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Sculpt.Checkpoints;
using Sculpt.HyperParameters;
using Sculpt.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>Resuming loses nothing, and refuses what it cannot trust (issue 13).</summary>
public sealed class ResumeTests(ITestOutputHelper log) : IDisposable
{
    private static readonly MlpConfig Config = new() { Hidden = 16, Epochs = 3, BatchSize = 32, LearningRate = 1e-2, Seed = 11 };
    private readonly string _root = Directory.CreateTempSubdirectory("sculpt-resume-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_run_killed_after_a_checkpoint_resumes_from_it_alone_to_the_logs_and_weights_of_a_run_never_killed()
    {
        // 480 rows in batches of 4: 120 steps an epoch; steps.jsonl has a line every 50 steps of an epoch.
        string[] run = ["--epochs", "2", "--batch-size", "4", "--hidden", "8", "--checkpoint-every", "20"];
        string reference = Path.Combine(_root, "reference");
        string killed = Path.Combine(_root, "killed");
        var clock = Stopwatch.StartNew();
        var whole = TrainerProcess.Run(_root, [.. run, "--output", reference]);
        Assert.True(whole.Code == 0, whole.Error);

        int killedId;
        using (var halted = TrainerProcess.Start(_root, ["--halt-after-step", "220", .. run, "--output", killed]))
        {
            Assert.True(halted.WaitForLine("halted", TimeSpan.FromMinutes(2)), halted.Output + halted.Error);
            halted.Kill();
            killedId = halted.Id;
        }
        // Everything up to the checkpoint reached the disk before it was written: the step lines of
        // epoch 2 (170 and 220) too, which used to wait in a buffer until the epoch's end.
        Assert.Equal([50, 100, 170, 220], File.ReadAllLines(Path.Combine(killed, "steps.jsonl")).Select(StepOf));
        Assert.True(File.Exists(Path.Combine(killed, "config.json")), "config.json is written when the run starts");
        // What a kill inside a checkpoint's save leaves behind.
        string torn = Path.Combine(killed, "checkpoints", $"step-000000240.tmp-{killedId}");
        Directory.CreateDirectory(torn);
        File.WriteAllBytes(Path.Combine(torn, Checkpoint.ModelFile), new byte[100]);
        File.WriteAllText(Path.Combine(killed, $"model.dat.tmp-{killedId}"), "cut");

        // The checkpoint alone: hyperparameters and run folder come from it.
        var resumed = TrainerProcess.Run(_root, "--resume", Path.Combine(killed, "checkpoints", "step-000000220"));
        Assert.True(resumed.Code == 0, resumed.Error);
        log.WriteLine($"three trainer processes in {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(File.ReadAllLines(Path.Combine(reference, "steps.jsonl")), File.ReadAllLines(Path.Combine(killed, "steps.jsonl")));
        // Every column but the timings (samples/s, seconds, data wait).
        static string[] Measured(string folder) => File.ReadAllLines(Path.Combine(folder, "epochs.csv")).Select(line => string.Join(',', line.Split(',').Take(6))).ToArray();
        Assert.Equal(3, Measured(killed).Length);
        Assert.Equal(Measured(reference), Measured(killed));
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "model.dat")), File.ReadAllBytes(Path.Combine(killed, "model.dat")));
        Assert.Equal(File.ReadAllText(Path.Combine(reference, "config.json")), File.ReadAllText(Path.Combine(killed, "config.json")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(killed, "checkpoints"), "*.tmp-*"));
        Assert.Empty(Directory.GetFileSystemEntries(killed, "*.tmp-*"));
        // Nothing went to the default folder runs/BlobTrainer of the working directory.
        Assert.False(Directory.Exists(Path.Combine(_root, "runs")));
    }

    private static long StepOf(string line) => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt64();

    [Fact]
    public void Leftovers_of_saves_are_removed_only_when_their_process_is_gone()
    {
        string folder = Path.Combine(_root, "checkpoints");
        Directory.CreateDirectory(folder);
        int gone = ExitedProcessId();
        string Leftover(string name)
        {
            string path = Path.Combine(folder, name);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, Checkpoint.StateFile), "{}");
            return path;
        }
        Leftover($"step-000000010.tmp-{gone}");
        Leftover($"step-000000011.tmp-{Environment.ProcessId}");
        // The previous 'best' moved aside by a save that died before the new one took its place.
        Leftover($"best.old-{gone}");
        File.WriteAllText(Path.Combine(folder, $"notes.txt.tmp-{gone}"), "cut");
        // A running process that started after the leftover was last written reuses its id.
        string reused;
        using (var later = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!)
        {
            try
            {
                reused = Leftover($"step-000000012.tmp-{later.Id}");
                Directory.SetLastWriteTimeUtc(reused, DateTime.UtcNow.AddHours(-1));
                string running = Leftover($"step-000000013.tmp-{later.Id}");

                var removed = Checkpoint.RemoveStaleTemporaries(folder);

                Assert.Equal(new[] { $"notes.txt.tmp-{gone}", $"step-000000010.tmp-{gone}", $"step-000000012.tmp-{later.Id}" }, removed.Order(StringComparer.Ordinal));
                Assert.True(Directory.Exists(running));
            }
            finally
            {
                later.Kill();
                later.WaitForExit();
            }
        }
        Assert.True(Directory.Exists(Path.Combine(folder, "best")), "the aside checkpoint is put back");
        Assert.True(Directory.Exists(Path.Combine(folder, $"step-000000011.tmp-{Environment.ProcessId}")));
    }

    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void Every_single_bit_flip_of_trainer_json_is_refused_naming_the_file_or_changes_nothing()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config with { Epochs = 1 });
        string folder = Path.Combine(_root, "checkpoints");
        string checkpoint = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = folder, Normalization = "{\"mean\": [1.5]}" }).LastCheckpoint!;
        string path = Path.Combine(checkpoint, Checkpoint.StateFile);
        var original = File.ReadAllBytes(path);
        var expected = Checkpoint.ReadState(checkpoint);
        Assert.NotNull(expected.Config);
        int refused = 0, harmless = 0;
        for (int i = 0; i < original.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var flipped = (byte[])original.Clone();
                flipped[i] ^= (byte)(1 << bit);
                try
                {
                    // What Load and ReadState do with the file's bytes, without writing each flip to disk.
                    var state = Checkpoint.ParseState(flipped, path).State with { Normalization = expected.Normalization };
                    Assert.True(Same(expected, state), $"byte {i} bit {bit}: accepted with a changed state");
                    harmless++;
                }
                catch (InvalidDataException refusal)
                {
                    Assert.Contains($"'{path}'", refusal.Message);
                    Assert.DoesNotContain('\n', refusal.Message);
                    refused++;
                }
            }
        }
        log.WriteLine($"{original.Length} bytes, {original.Length * 8} flips: {refused} refused, {harmless} harmless");
        Assert.Equal(original.Length * 8, refused + harmless);
        // Through the file: one flipped bit in the step count is refused by ReadState and Load alike.
        var edited = (byte[])original.Clone();
        int digit = System.Text.Encoding.UTF8.GetString(original).IndexOf("\"step\": 15", StringComparison.Ordinal) + "\"step\": 1".Length;
        edited[digit] ^= 1;
        File.WriteAllBytes(path, edited);
        using var fresh = new BlobTrainer(Config);
        string message = $"'{path}' does not match its own checksum: the file was changed or cut short; refusing to load it.";
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => Checkpoint.ReadState(checkpoint)).Message);
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => Checkpoint.Load(checkpoint, fresh.Model, fresh.FusedOptimizer)).Message);
        File.WriteAllBytes(path, original);
        Assert.Equal(expected.Step, Checkpoint.Load(checkpoint, fresh.Model, fresh.FusedOptimizer).Step);
    }

    private static bool Same(TrainingState a, TrainingState b) =>
        a.Step == b.Step && a.Epoch == b.Epoch && a.StepInEpoch == b.StepInEpoch && a.EpochLossSum.Equals(b.EpochLossSum)
        && a.Schedule == b.Schedule && a.History.SequenceEqual(b.History) && a.Normalization == b.Normalization
        && MlpConfig.FromJson(a.Config!, "a") == MlpConfig.FromJson(b.Config!, "b");

    [Fact]
    public void A_checkpoint_carries_the_runs_hyperparameters_and_data_statistics_and_refuses_other_ones_by_name()
    {
        var data = new Blobs().Load(Config.Seed);
        string folder = Path.Combine(_root, "checkpoints");
        string statistics = new Sculpt.Data.FeatureNormalization(["x"], [0.5f], [2f], [1]).ToJson();
        using (var first = new BlobTrainer(Config))
        {
            first.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = folder, StopAfterStep = 20, Normalization = statistics });
        }
        string checkpoint = Path.Combine(folder, "step-000000020");
        var saved = Checkpoint.ReadState(checkpoint);
        Assert.Equal(Config, MlpConfig.FromJson(saved.Config!, "trainer.json"));
        Assert.Equal(statistics, saved.Normalization);
        Assert.Equal(statistics, File.ReadAllText(Path.Combine(checkpoint, Checkpoint.NormalizationFile)));

        using var other = new BlobTrainer(Config with { BatchSize = 64, LearningRate = 0.1 });
        var refused = Assert.Throws<HyperParameterException>(() => other.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { ResumeFrom = checkpoint, Normalization = statistics }));
        Assert.Equal(
            $"Cannot resume from '{checkpoint}': checkpoint was written with --batch-size 32, this run has 64; checkpoint was written with --learning-rate 0.01, this run has 0.1. " +
            "Leave those options out to continue the run as it was, or pass --resume-with-changes to continue with them.", refused.Message);

        using var same = new BlobTrainer(Config);
        var otherData = Assert.Throws<HyperParameterException>(() => same.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { ResumeFrom = checkpoint }));
        Assert.Contains("the checkpoint's data was standardised, this run's is not", otherData.Message);

        // More epochs, early stopping and which weights to keep may change; fewer epochs than trained never.
        var longer = same.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { ResumeFrom = checkpoint, Normalization = statistics, ResumeWithChanges = false });
        Assert.Equal(3, longer.Epochs.Count);
        string end = Path.Combine(_root, "end");
        using var done = new BlobTrainer(Config with { Epochs = 2 });
        string finished = done.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = end }).LastCheckpoint!;
        using var shorter = new BlobTrainer(Config with { Epochs = 1, EarlyStopping = 3, RestoreBest = true });
        var tooFew = Assert.Throws<HyperParameterException>(() => shorter.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { ResumeFrom = finished, ResumeWithChanges = true }));
        Assert.Equal($"Option '--epochs 1': checkpoint '{finished}' has already trained 2 epoch(s); resuming it needs --epochs 2 or more.", tooFew.Message);
        using var extended = new BlobTrainer(Config with { Epochs = 3, EarlyStopping = 3, RestoreBest = true });
        Assert.Equal(3, extended.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { ResumeFrom = finished }).Epochs.Count);
    }

    [Fact]
    public void Restore_best_ends_with_the_weights_of_the_epoch_of_lowest_validation_loss_even_across_a_resume()
    {
        var data = new Blobs().Load(Config.Seed);
        using var clean = data.Validation.Targets.clone();
        // After epoch 1 the validation labels are shifted: later epochs score worse, epoch 1 stays the best.
        var spoil = new OnEpochEnd(_ =>
        {
            using (no_grad()) data.Validation.Targets.copy_(clean.add(1).remainder(3));
        });
        string folder = Path.Combine(_root, "checkpoints");
        var config = Config with { Schedule = Sculpt.Optimization.Schedule.Constant, RestoreBest = true };
        using var trainer = new BlobTrainer(config);
        var result = trainer.Fit(data.Train, data.Validation, spoil, new FitOptions { CheckpointFolder = folder });
        Assert.Equal(1, FitResult.LowestValidationLoss(result.Epochs)!.Epoch);
        Assert.Equal(1, result.RestoredEpoch?.Epoch);
        using var best = new BlobTrainer(config);
        Checkpoint.LoadWeights(Path.Combine(folder, Trainer<Mlp, Blobs, MlpConfig>.BestFolder), best.Model);
        AssertSameWeights(best, trainer);

        // Resumed after epoch 2 into another folder: the best epoch's weights are only in the first run's best checkpoint.
        using var resumed = new BlobTrainer(config);
        var again = resumed.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions
        {
            CheckpointFolder = Path.Combine(_root, "elsewhere"), ResumeFrom = Path.Combine(folder, "step-000000030"),
        });
        Assert.Equal(1, again.RestoredEpoch?.Epoch);
        AssertSameWeights(best, resumed);

        // Not asked: the final weights stay.
        using var plain = new BlobTrainer(config with { RestoreBest = false });
        Assert.Null(plain.Fit(data.Train, data.Validation, spoil, new FitOptions()).RestoredEpoch);
    }

    private static void AssertSameWeights(BlobTrainer expected, BlobTrainer actual)
    {
        foreach (var ((name, a), (_, b)) in expected.Model.state_dict().Zip(actual.Model.state_dict()))
        {
            Assert.True(a.allclose(b, 0, 0), $"{name} differs");
        }
    }

    private sealed class OnEpochEnd(Action<int> action) : ITrainingProgress
    {
        public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep) { }
        public bool WantsStep(long stepInEpoch) => false;
        public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate) { }
        public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed) => action(report.Epoch);
        public void FitEnded() { }
    }
}
