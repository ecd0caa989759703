using System.IO;
using System.Linq;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

public class TrainerTests
{
    private static readonly MlpConfig Config = new() { Hidden = 16, Epochs = 4, BatchSize = 32, LearningRate = 1e-2, Seed = 7 };

    [Fact]
    public void Fit_reduces_the_loss_and_learns_the_blobs()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config);
        var before = trainer.Evaluate(data.Validation);
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);

        Assert.Equal(4, result.Epochs.Count);
        Assert.True(result.Final.TrainLoss < result.Epochs[0].TrainLoss, $"train loss went {result.Epochs[0].TrainLoss} -> {result.Final.TrainLoss}");
        Assert.True(result.Final.Validation.Loss < before.Loss / 2, $"validation loss went {before.Loss} -> {result.Final.Validation.Loss}");
        Assert.True(result.Final.Validation.Accuracy > 0.95, $"accuracy {result.Final.Validation.Accuracy}");
        Assert.Equal(4 * data.Train.BatchCount(Config.BatchSize), result.Final.Step);
    }

    [Fact]
    public void Sgd_with_momentum_also_reduces_the_loss()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobSgdTrainer(Config with { LearningRate = 0.05 });
        var before = trainer.Evaluate(data.Validation);
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        Assert.True(result.Final.Validation.Loss < before.Loss / 2, $"validation loss went {before.Loss} -> {result.Final.Validation.Loss}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_training_run()
    {
        double[] Run()
        {
            var data = new Blobs().Load(Config.Seed);
            using var trainer = new BlobTrainer(Config with { Epochs = 2 });
            return trainer.Fit(data.Train, data.Validation, SilentProgress.Instance).Epochs.Select(e => e.TrainLoss).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Evaluate_runs_in_eval_mode_without_gradients_and_counts_correct_predictions()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config with { Dropout = 0.5 });
        var first = trainer.Evaluate(data.Validation);
        var second = trainer.Evaluate(data.Validation);
        Assert.Equal(first, second); // dropout is off in eval mode
        Assert.Equal(data.Validation.Count, first.Samples);

        using (no_grad())
        {
            trainer.Model.eval();
            using var logits = trainer.Model.call(data.Validation.Features);
            using var predictions = logits.argmax(-1);
            double expected = predictions.eq(data.Validation.Targets).sum().item<long>() / (double)data.Validation.Count;
            Assert.Equal(expected, first.Accuracy);
        }
    }

    [Fact]
    public void Evaluate_leaves_the_model_in_the_mode_it_found_it_in()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config);
        trainer.Model.train();
        trainer.Evaluate(data.Validation);
        Assert.True(trainer.Model.training);
        trainer.Model.eval();
        trainer.Evaluate(data.Validation);
        Assert.False(trainer.Model.training);
    }

    [Fact]
    public void Mean_squared_error_refuses_targets_that_would_broadcast()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobRegressionTrainer(Config);
        using var targets = data.Train.Targets.to(float32);
        var error = Assert.Throws<System.ArgumentException>(() => trainer.TrainStep(data.Train.Features, targets));
        Assert.StartsWith("Loss.MeanSquaredError needs the model's output and the targets in one shape, but the output is [480, 3] and the targets are [480].", error.Message);
    }

    [Fact]
    public void Mean_squared_error_regression_reduces_the_loss()
    {
        var data = new Blobs().Load(Config.Seed);
        using var oneHotTrain = nn.functional.one_hot(data.Train.Targets, 3).to(float32);
        using var oneHotValidation = nn.functional.one_hot(data.Validation.Targets, 3).to(float32);
        using var train = new Sculpt.Data.TensorDataset(data.Train.Features, oneHotTrain);
        using var validation = new Sculpt.Data.TensorDataset(data.Validation.Features, oneHotValidation);
        using var trainer = new BlobRegressionTrainer(Config with { LearningRate = 0.05 });
        var before = trainer.Evaluate(validation);
        var result = trainer.Fit(train, validation, SilentProgress.Instance);
        Assert.Null(result.Final.Validation.Accuracy);
        Assert.True(result.Final.Validation.Loss < before.Loss / 2, $"validation loss went {before.Loss} -> {result.Final.Validation.Loss}");
    }

    [Fact]
    public void Saved_weights_load_into_a_fresh_model_and_give_identical_outputs()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sculpt-{System.Guid.NewGuid():N}", "model.dat");
        var data = new Blobs().Load(Config.Seed);
        try
        {
            using var trained = new BlobTrainer(Config with { Epochs = 1 });
            trained.Fit(data.Train, data.Validation, SilentProgress.Instance);
            trained.Save(path);
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*"));

            using var fresh = new BlobTrainer(Config with { Seed = 99 });
            fresh.Load(path);
            trained.Model.eval();
            fresh.Model.eval();
            using var expected = trained.Model.call(data.Validation.Features);
            using var actual = fresh.Model.call(data.Validation.Features);
            Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());

            // The optimizer is rebuilt on the loaded parameters, so training goes on.
            var resumed = fresh.Fit(data.Train, data.Validation, SilentProgress.Instance);
            Assert.True(resumed.Final.Validation.Accuracy > 0.9);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Loading_a_file_that_is_not_weights_names_the_file()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a weights file");
            using var trainer = new BlobTrainer(Config);
            var error = Assert.ThrowsAny<System.Exception>(() => trainer.Load(path));
            Assert.Contains(path, error.Message);
            Assert.Throws<FileNotFoundException>(() => trainer.Load(path + ".missing"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fit_follows_the_declared_schedule_and_reports_the_rate()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config with { Epochs = 3, Schedule = Sculpt.Optimization.Schedule.Step, DecayEvery = 1, DecayFactor = 0.5 });
        var result = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        Assert.Equal(new[] { 1e-2, 5e-3, 2.5e-3 }, result.Epochs.Select(e => e.LearningRate));
    }

    [Fact]
    public void The_run_log_writes_step_lines_as_json_on_its_cadence()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-log-{System.Guid.NewGuid():N}");
        try
        {
            var data = new Blobs().Load(Config.Seed);
            using var trainer = new BlobTrainer(Config with { Epochs = 2 });
            using (var log = new RunLog(folder, stepEvery: 5)) trainer.Fit(data.Train, data.Validation, new ProgressGroup(SilentProgress.Instance, log));
            var lines = File.ReadAllLines(Path.Combine(folder, "steps.jsonl"));
            // 15 steps per epoch: steps 5, 10, 15 of each.
            Assert.Equal(new long[] { 5, 10, 15, 20, 25, 30 }, lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_resumed_run_log_keeps_the_rows_up_to_the_checkpoint_and_replaces_the_later_ones()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-log-{System.Guid.NewGuid():N}");
        string checkpoints = Path.Combine(folder, "checkpoints");
        try
        {
            var data = new Blobs().Load(Config.Seed);
            var config = Config with { Epochs = 2 };
            FitResult first;
            using (var trainer = new BlobTrainer(config))
            using (var log = new RunLog(folder, stepEvery: 5))
            {
                first = trainer.Fit(data.Train, data.Validation, new ProgressGroup(SilentProgress.Instance, log), new FitOptions { CheckpointFolder = checkpoints, CheckpointEvery = 10, KeepLast = 5 });
            }
            var firstEpochs = File.ReadAllLines(Path.Combine(folder, "epochs.csv"));

            FitResult resumed;
            using (var trainer = new BlobTrainer(config))
            using (var log = new RunLog(folder, stepEvery: 5))
            {
                resumed = trainer.Fit(data.Train, data.Validation, new ProgressGroup(SilentProgress.Instance, log), new FitOptions { ResumeFrom = Path.Combine(checkpoints, "step-000000020") });
            }

            // Steps 5 to 20 come from the first run, 25 and 30 from the resumed one (which trained them again).
            var steps = File.ReadAllLines(Path.Combine(folder, "steps.jsonl"));
            Assert.Equal(new long[] { 5, 10, 15, 20, 25, 30 }, steps.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64()));
            var epochs = File.ReadAllLines(Path.Combine(folder, "epochs.csv"));
            Assert.Equal(3, epochs.Length);
            Assert.Equal(firstEpochs[..2], epochs[..2]);
            Assert.StartsWith("2,30,", epochs[2]);
            // The first epoch's report, data-wait share included, comes back from the checkpoint.
            Assert.True(first.Epochs[0].DataWaitShare > 0);
            Assert.Equal(first.Epochs[0].DataWaitShare, resumed.Epochs[0].DataWaitShare);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Progress_prints_epoch_step_loss_validation_rate_throughput_and_eta()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config with { Epochs = 2 });
        var output = new StringWriter();
        trainer.Fit(data.Train, data.Validation, new ConsoleProgress(output));
        var lines = output.ToString().Split('\n', System.StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("training 2 epoch(s) on 480 samples (15 steps each), validating on 120", lines[0]);
        Assert.Matches(@"^epoch 1/2 \| step +15 \| loss \d\.\d{4} \| val_loss \d\.\d{4} \| val_acc \d+\.\d\d% \| lr 1\.00e-02 \| +[\d,]+ samples/s \| ETA \d\d:\d\d$", lines[1]);
        Assert.StartsWith("epoch 2/2 | step     30 |", lines[2]);
        // Output that is not the console gets the lines alone; so does a redirected console (as here).
        Assert.False(new ConsoleProgress(output, refreshEvery: System.TimeSpan.Zero).WantsStep(1));
        Assert.False(new ConsoleProgress(refreshEvery: System.TimeSpan.Zero).WantsStep(1));
    }

    [Fact]
    public void An_interactive_console_shows_a_bar_through_each_epoch_then_the_epoch_line()
    {
        var data = new Blobs().Load(Config.Seed);
        using var trainer = new BlobTrainer(Config with { Epochs = 2 });
        var output = new StringWriter();
        var console = InteractiveConsole(output);
        trainer.Fit(data.Train, data.Validation, new ConsoleProgress(output, console, refreshEvery: System.TimeSpan.Zero));
        string text = output.ToString();

        Assert.Matches(@"epoch 1/2 \| loss \d\.\d{4} \| val_loss - \| - samples/s \| ETA --:-- +\d%", text);
        Assert.Matches(@"epoch 1/2 \| loss \d\.\d{4} \| val_loss - \| [\d,]+ samples/s \| ETA \d\d:\d\d +━+ +100%", text);
        // The second epoch's bar shows the first epoch's validation accuracy.
        Assert.Matches(@"epoch 2/2 \| loss \d\.\d{4} \| val_acc \d+\.\d\d% \| [\d,]+ samples/s \| ETA \d\d:\d\d +━", text);
        // Each bar is erased (cursor up, erase line) before its epoch's line, which is the same as without a bar.
        Assert.Matches(@"\e\[2K\e\[\?25hepoch 1/2 \| step +15 \| loss \d\.\d{4} \| val_loss \d\.\d{4} \| val_acc \d+\.\d\d% \| lr 1\.00e-02 \| +[\d,]+ samples/s \| ETA \d\d:\d\d\r?\n", text);
        Assert.Matches(@"epoch 2/2 \| step +30 \|", text);
    }

    [Fact]
    public void A_bar_left_inside_an_interrupted_epoch_is_erased_and_frees_the_console()
    {
        var data = new Blobs().Load(Config.Seed);
        var output = new StringWriter();
        var console = InteractiveConsole(output);
        using (var trainer = new BlobTrainer(Config with { Epochs = 2 }))
        {
            var stopped = trainer.Fit(data.Train, data.Validation, new ConsoleProgress(output, console, refreshEvery: System.TimeSpan.Zero), new FitOptions { StopAfterStep = 20 });
            Assert.True(stopped.Interrupted);
        }
        Assert.EndsWith("\e[2K\e[?25h", output.ToString());
        // A display still holding the console would make this one throw.
        using var again = new BlobTrainer(Config with { Epochs = 1 });
        again.Fit(data.Train, data.Validation, new ConsoleProgress(output, console, refreshEvery: System.TimeSpan.Zero));
        Assert.Matches(@"epoch 1/1 \| step +15 \|", output.ToString());
    }

    private static Spectre.Console.IAnsiConsole InteractiveConsole(TextWriter output) => Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
    {
        Out = new Spectre.Console.AnsiConsoleOutput(output),
        Ansi = Spectre.Console.AnsiSupport.Yes,
        ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
        Interactive = Spectre.Console.InteractionSupport.Yes,
    });
}
