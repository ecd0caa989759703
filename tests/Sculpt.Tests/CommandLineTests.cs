using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Sculpt.Tests;

public class CommandLineTests
{
    [Fact]
    public void Help_describes_every_run_option_and_hyperparameter_with_its_default_and_exits_zero()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        var lines = output.Replace("\r\n", "\n").Split('\n');
        // Blobs reads no files, so --data is neither offered nor described.
        Assert.Equal("usage: BlobTrainer [--config file.json] [--device cpu|cuda[:N]] [--output folder] [--resume checkpoint [--resume-with-changes]] [--checkpoint-every steps] [--threads N] [--distributed [--sync-batch-norm]] [--verbose] [options]", lines[0]);
        Assert.DoesNotContain("--data", output);
        string[] runFlags = ["--config", "--device", "--output", "--resume", "--resume-with-changes", "--checkpoint-every", "--threads", "--distributed", "--sync-batch-norm", "--verbose", "--help"];
        foreach (string flag in runFlags.Concat(MlpConfig.Options.Where(o => o.Flag != "--run-name").Select(o => o.Flag)))
        {
            Assert.Matches("^[A-Z]\\S* [^(]", Description(lines, flag));
        }
        Assert.EndsWith("(default cpu)", Description(lines, "--device"));
        Assert.EndsWith($"(default {Path.Combine("runs", "BlobTrainer")}; with --resume, the checkpoint's run folder)", Description(lines, "--output"));
        Assert.EndsWith("(default 0: only at each epoch's end, and the best epoch's)", Description(lines, "--checkpoint-every"));
        // The thread count a run would use here, and why libtorch chose it.
        string threads = Description(lines, "--threads");
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null && Environment.GetEnvironmentVariable("MKL_NUM_THREADS") is null)
            Assert.Contains($"(default {TorchSharp.torch.get_num_threads()} here: libtorch's choice of one per physical core, since a second thread on a core shares its vector units", threads);
        else
            Assert.Contains($"(default {TorchSharp.torch.get_num_threads()} here: as ", threads);
        Assert.Equal("Passes over the training data (default 3, in [1, 1000000])", Description(lines, "--epochs"));
        Assert.Equal("How the learning rate moves over the run (default Constant)", Description(lines, "--schedule"));
        Assert.Contains("  --schedule Constant|WarmupCosine|Step|OneCycle|Plateau", lines);
        Assert.Equal("Width of the hidden layer (default 32, in [1, 4096])", Description(lines, "--hidden"));
    }

    [Fact]
    public void Help_offers_data_only_to_a_trainer_whose_dataset_reads_files()
    {
        var lines = Sculpt.Training.TrainerCommandLine.Help<Flowers, FlowerConfig>("FlowerTrainer").Split('\n');
        Assert.Contains(" [--data folder] ", lines[0]);
        Assert.Equal("Read the files of Flowers from this folder (default: the paths Flowers declares)", Description(lines, "--data"));
    }

    /// <summary>The description of <paramref name="flag"/> in help: after its option text, or on the next line when that is long.</summary>
    private static string Description(string[] lines, string flag)
    {
        int index = Array.FindIndex(lines, l => l.StartsWith("  " + flag + " ", StringComparison.Ordinal) || l == "  " + flag || l.StartsWith("  " + flag + ",", StringComparison.Ordinal));
        Assert.True(index >= 0, $"no line for {flag}");
        var columns = System.Text.RegularExpressions.Regex.Match(lines[index], "^  \\S+(?: \\S+)?  +(.+)$");
        return columns.Success ? columns.Groups[1].Value : lines[index + 1].Trim();
    }

    [Fact]
    public void A_bad_flag_value_exits_two_with_the_error_on_stderr()
    {
        var (code, output, error) = Run("--hidden", "wide");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("error: Option '--hidden' expects an integer; got 'wide'.\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void An_out_of_range_value_exits_two_naming_the_flag()
    {
        var (code, _, error) = Run("--dropout", "2");
        Assert.Equal(2, code);
        Assert.Contains("Option '--dropout' must be in [0, 0.9]; got 2.", error);
    }

    [Theory]
    [InlineData("gpu", "error: Option '--device' expects cpu, cuda or cuda:N; got 'gpu'.")]
    [InlineData("cuda", "error: Option '--device cuda': CUDA is not available here")]
    public void A_device_that_cannot_be_used_exits_two_naming_the_flag(string device, string message)
    {
        var (code, _, error) = Run("--device", device);
        Assert.Equal(2, code);
        Assert.StartsWith(message, error);
    }

    [Fact]
    public void A_hyperparameter_used_as_a_layer_size_is_checked_before_the_layer_is_built()
    {
        // Building the model directly skips the record's Validate(): the model's own check speaks.
        var config = new MlpConfig { Hidden = 0 };
        var error = Assert.Throws<Sculpt.HyperParameters.HyperParameterException>(() => new Mlp(config));
        Assert.Equal("Option '--hidden' is a size of layer 'Mlp.Hidden1' and must be at least 1; got 0.", error.Message);
        var dropout = Assert.Throws<Sculpt.HyperParameters.HyperParameterException>(() => new Mlp(new MlpConfig { Dropout = 1.0 }));
        Assert.Equal("Option '--dropout' is the dropout probability of layer 'Mlp.Drop' and must be in [0, 1); got 1.", dropout.Message);
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var (code, _, error) = Run("--config", "/nonexistent/run.json");
        Assert.Equal(2, code);
        Assert.Contains("Option '--config': cannot read '/nonexistent/run.json'", error);
    }

    [Fact]
    public void A_run_trains_saves_weights_and_config_and_reports_the_final_numbers()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-run-{Guid.NewGuid():N}");
        string config = Path.Combine(folder, "in.json");
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(config, new MlpConfig { Hidden = 8, LearningRate = 0.01 }.ToJson());
            long started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var (code, output, error) = Run("--config", config, "--epochs", "2", "--output", folder);
            Assert.True(code == 0, error);
            Assert.Matches(@"BlobTrainer on cpu \(\d+ threads?\), 128 parameters", output);
            Assert.Contains("Hidden1      Linear   [B, Hidden]   [64, 8]", output);
            Assert.Contains("epoch 2/2", output);
            Assert.Matches(@"done in \d+\.\d s: validation loss \d\.\d{4}, validation accuracy \d+\.\d\d%; weights saved to .+model\.dat \(the final weights, of epoch 2\); peak RSS [\d,]+ MiB\n", output.Replace("\r\n", "\n"));
            Assert.True(File.Exists(Path.Combine(folder, "model.dat")));
            // The run's records: per-epoch CSV, TensorBoard events, plots and a summary.
            var csv = File.ReadAllLines(Path.Combine(folder, "epochs.csv"));
            Assert.Equal("epoch,step,train_loss,val_loss,val_accuracy,learning_rate,samples_per_second,seconds,data_wait_share", csv[0]);
            Assert.Equal(3, csv.Length);
            Assert.StartsWith("2,16,", csv[2]);
            // TensorBoard events, each with its wall time in seconds since the Unix epoch (within this run's time).
            var events = EventFile.Read(Assert.Single(Directory.GetFiles(Path.Combine(folder, "tensorboard"), "events.out.tfevents.*")));
            Assert.Equal("brain.Event:2", events[0].FileVersion);
            Assert.All(events, e => Assert.InRange(e.WallTime, started - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
            var accuracy = events.SelectMany(e => e.Scalars.Where(s => s.Tag == "validation/accuracy").Select(s => (e.Step, s.Value))).ToList();
            Assert.Equal([8L, 16L], accuracy.Select(a => a.Step));
            foreach (string plot in new[] { "loss.png", "accuracy.png" })
            {
                var png = File.ReadAllBytes(Path.Combine(folder, plot));
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            }
            string summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
            Assert.Contains("| best epoch | ", summary);
            Assert.Matches(@"\| waiting for data \| \d+\.\d% of epoch time \|", summary);
            // Plausible: libtorch and the runtime alone keep tens of MiB resident, and the peak then
            // cannot exceed the process's peak as the runtime reads it now.
            var peak = System.Text.RegularExpressions.Regex.Match(summary, @"\| peak memory \| ([\d,]+) MiB resident \(RSS\) \|");
            Assert.True(peak.Success, summary);
            long mib = long.Parse(peak.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            Assert.InRange(mib, 50, process.PeakWorkingSet64 / (1024 * 1024) + 1);
            var steady = System.Text.RegularExpressions.Regex.Match(summary, @"\| steady memory \| ([\d,]+) MiB resident after the last epoch \|");
            Assert.True(steady.Success, summary);
            Assert.InRange(long.Parse(steady.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture), 50, mib);
            var saved = MlpConfig.Load(Path.Combine(folder, "config.json"));
            Assert.Equal(new MlpConfig { Hidden = 8, LearningRate = 0.01, Epochs = 2 }, saved);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_run_checkpoints_each_epoch_and_resume_continues_from_one()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-run-{Guid.NewGuid():N}");
        try
        {
            var (code, _, error) = Run("--epochs", "2", "--hidden", "8", "--output", folder, "--checkpoint-every", "5");
            Assert.True(code == 0, error);
            string checkpoints = Path.Combine(folder, "checkpoints");
            Assert.True(File.Exists(Path.Combine(checkpoints, "best", Sculpt.Checkpoints.Checkpoint.ModelFile)));
            string last = Directory.GetDirectories(checkpoints, "step-*").Order().Last();
            Assert.EndsWith("step-000000016", last);

            // The checkpoint alone gives the hyperparameters (--hidden 8) and the run folder; --epochs may grow.
            var (resumed, output, resumeError) = Run("--epochs", "3", "--resume", last);
            Assert.True(resumed == 0, resumeError);
            Assert.Contains($"resuming from {last} (step 16, epoch 3) into {folder}", output);
            Assert.Contains("Hidden1      Linear   [B, Hidden]   [64, 8]", output);
            Assert.Contains("epoch 3/3", output);
            Assert.DoesNotContain("epoch 1/3", output);
            Assert.Equal(new MlpConfig { Hidden = 8, Epochs = 3 }, MlpConfig.Load(Path.Combine(folder, "config.json")));
            Assert.Equal(4, File.ReadAllLines(Path.Combine(folder, "epochs.csv")).Length);
            // --checkpoint-every 5 carried on too: step 20 lies inside epoch 3.
            Assert.True(Directory.Exists(Path.Combine(checkpoints, "step-000000020")));

            // Another batch size or rate is refused by name, unless asked for; fewer epochs than trained always.
            string third = Directory.GetDirectories(checkpoints, "step-*").Order().Last();
            var (changed, _, changedError) = Run("--resume", third, "--batch-size", "32", "--learning-rate", "0.01");
            Assert.Equal(2, changed);
            Assert.Equal($"error: Cannot resume from '{third}': checkpoint was written with --batch-size 64, this run has 32; checkpoint was written with --learning-rate 0.001, this run has 0.01. " +
                "Leave those options out to continue the run as it was, or pass --resume-with-changes to continue with them.\n", changedError.Replace("\r\n", "\n"));
            var (fewer, _, fewerError) = Run("--resume", third, "--epochs", "2");
            Assert.Equal(2, fewer);
            Assert.StartsWith($"error: Option '--epochs 2': checkpoint '{third}' has already trained 3 epoch(s)", fewerError);
            // A --config file on a resume changes only what it names: the checkpoint's --hidden 8 stays.
            string moreEpochs = Path.Combine(folder, "more-epochs.json");
            File.WriteAllText(moreEpochs, "{ \"epochs\": 4 }");
            // (Into another folder: its new checkpoints would retire this folder's older ones.)
            string elsewhere = Path.Combine(folder, "elsewhere");
            var (layered, layeredOutput, layeredError) = Run("--resume", third, "--config", moreEpochs, "--output", elsewhere);
            Assert.True(layered == 0, layeredError);
            Assert.Contains("Hidden1      Linear   [B, Hidden]   [64, 8]", layeredOutput);
            Assert.Contains("epoch 4/4", layeredOutput);
            Assert.Equal(new MlpConfig { Hidden = 8, Epochs = 4 }, MlpConfig.Load(Path.Combine(elsewhere, "config.json")));

            var (accepted, acceptedOutput, acceptedError) = Run("--resume", third, "--epochs", "4", "--batch-size", "32", "--resume-with-changes");
            Assert.True(accepted == 0, acceptedError);
            Assert.Contains("epoch 4/4", acceptedOutput);

            var (missing, _, missingError) = Run("--resume", Path.Combine(folder, "nowhere"));
            Assert.Equal(Sculpt.Training.ExitCodes.Data, missing);
            Assert.Contains("nowhere' is not a complete checkpoint: trainer.json is missing.", missingError);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_hyperparameter_that_takes_a_run_flag_is_refused_by_name()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Sculpt.Training.TrainerCommandLine.Run<ClashingTrainer, ClashingModel, Blobs, ClashingConfig>(
            "ClashingTrainer", [], static (config, device) => new ClashingTrainer(config, device), output, error);
        Assert.Equal(2, code);
        Assert.Equal("error: ClashingConfig.Output takes the flag '--output', which the trainer uses itself; rename the property.\n", error.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void A_test_split_is_evaluated_once_after_training()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-run-{Guid.NewGuid():N}");
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = Sculpt.Training.TrainerCommandLine.Run<BlobTestedTrainer, Mlp, BlobsWithTest, MlpConfig>(
                "BlobTestedTrainer", ["--epochs", "1", "--output", folder], static (config, device) => new BlobTestedTrainer(config, device), output, error);
            Assert.True(code == 0, error.ToString());
            Assert.Matches(@"\ntest on 90 samples with the final weights, of epoch 1: loss \d\.\d{4}, test accuracy \d+\.\d\d%\n", output.ToString().Replace("\r\n", "\n"));
            // The summary says which weights were kept and what they measured on the test split.
            string summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
            Assert.Contains("| weights kept | the final weights, of epoch 1 |", summary);
            Assert.Matches(@"\| test \| loss \d\.\d{4}, accuracy \d+\.\d\d% on 90 samples, with the weights kept \|", summary);

            // With --restore-best, the test measures the weights of the epoch of lowest validation loss.
            var best = new StringWriter();
            code = Sculpt.Training.TrainerCommandLine.Run<BlobTestedTrainer, Mlp, BlobsWithTest, MlpConfig>(
                "BlobTestedTrainer", ["--epochs", "3", "--restore-best", "--learning-rate", "1", "--output", folder], static (config, device) => new BlobTestedTrainer(config, device), best, error);
            Assert.True(code == 0, error.ToString());
            var epochs = File.ReadAllLines(Path.Combine(folder, "epochs.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            int lowest = epochs.IndexOf(epochs.Min()) + 1;
            string kept = lowest == 3 ? "the weights of epoch 3, the final and best one" : $"the weights of epoch {lowest}, the lowest validation loss; --restore-best";
            Assert.Contains($"test on 90 samples with {kept}: loss", best.ToString());
            Assert.Contains($"| weights kept | {kept} |", File.ReadAllText(Path.Combine(folder, "summary.md")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    internal static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Sculpt.Training.TrainerCommandLine.Run<BlobTrainer, Mlp, Blobs, MlpConfig>(
            "BlobTrainer", args, static (config, device) => new BlobTrainer(config, device), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
