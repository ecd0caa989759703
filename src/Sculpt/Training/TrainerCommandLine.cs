using System;
using System.Collections.Generic;
using System.IO;
using Sculpt.Checkpoints;
using Sculpt.Data;
using Sculpt.HyperParameters;
using Sculpt.Models;
using TorchSharp;

namespace Sculpt.Training;

/// <summary>
/// The command line of a generated trainer: <c>--help</c>, <c>--config file.json</c>,
/// <c>--device cpu|cuda[:N]</c>, <c>--output folder</c>, then every hyperparameter flag.
/// </summary>
public static class TrainerCommandLine
{
    private static readonly string[] RunFlags = ["--help", "--config", "--device", "--output", "--resume", "--checkpoint-every", "--data", ResumeWithChangesFlag];
    private const string ResumeWithChangesFlag = "--resume-with-changes";

    /// <summary>Runs training as the command line asks; returns the process exit code (0 ok, 2 bad usage, 1 failure).</summary>
    /// <param name="trainerName">The program name for usage and the default output folder.</param>
    /// <param name="args">The command line.</param>
    /// <param name="create">Builds the trainer from the bound hyperparameters on the chosen device.</param>
    /// <param name="output">Where progress and results go (the console when null).</param>
    /// <param name="error">Where errors go (the console's error stream when null).</param>
    /// <param name="afterTraining">What to do with the trained model before the trainer is disposed (a language model samples text).</param>
    public static int Run<TTrainer, TModel, TData, TConfig>(
        string trainerName, string[] args, Func<TConfig, torch.Device, TTrainer> create, TextWriter? output = null, TextWriter? error = null,
        Action<TTrainer, DataSplits, TextWriter>? afterTraining = null)
        where TTrainer : Trainer<TModel, TData, TConfig>
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TData : IDataSource, new()
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>, new()
    {
        output ??= Console.Out;
        error ??= Console.Error;
        TConfig config;
        RunOptions options;
        TrainingState? resumed = null;
        TConfig? savedConfig = null;
        string? folder = null;
        foreach (var option in TConfig.Options)
        {
            if (Array.IndexOf(RunFlags, option.Flag) >= 0)
            {
                error.WriteLine($"error: {typeof(TConfig).Name}.{option.Property} takes the flag '{option.Flag}', which the trainer uses itself; rename the property.");
                return 2;
            }
        }
        try
        {
            options = RunOptions.Extract(args, out var rest);
            if (options.Help)
            {
                output.WriteLine($"usage: {trainerName} [--config file.json] [--device cpu|cuda[:N]] [--output folder] [--resume checkpoint [--resume-with-changes]] [--checkpoint-every steps] [--data folder] [options]\n");
                output.Write(HelpText.Format(TConfig.Options));
                return 0;
            }
            // A resumed run starts from the checkpoint's hyperparameters; --config and flags change them.
            if (options.Resume is { } resume)
            {
                resumed = Checkpoint.ReadState(resume);
                string source = Path.Combine(resume, Checkpoint.StateFile);
                config = savedConfig = resumed.Config is { } saved ? TConfig.FromJson(saved, source) : new TConfig();
                options = options.ContinuedFrom(resumed.RunOptions);
            }
            else
            {
                config = new TConfig();
            }
            if (options.ConfigPath is not null) config = TConfig.FromJson(ReadConfig(options.ConfigPath), options.ConfigPath);
            config = TConfig.Bind(config, rest);
            RangeCheck.ThrowIfAny(config.ValidationErrors(), typeof(TConfig).Name);
            if (resumed is not null)
            {
                // The data's statistics are compared once it is loaded (Fit checks them with the rest).
                ResumeCheck.Require(options.Resume!, resumed, config, resumed.Normalization, options.ResumeWithChanges);
                folder = options.OutputFolder ?? Checkpoint.RunFolderOf(options.Resume!)
                    ?? throw new HyperParameterException($"Option '--resume': '{options.Resume}' is not inside a run's 'checkpoints' folder, so its run folder is unknown; name one with --output.");
            }
        }
        catch (HyperParameterException problem)
        {
            error.WriteLine("error: " + problem.Message);
            return 2;
        }
        catch (InvalidDataException problem)
        {
            // A checkpoint that is missing, damaged or from an older format.
            error.WriteLine("error: " + problem.Message);
            return 1;
        }

        try
        {
            Backend.NativeBackend.EnsureLoaded();
        }
        catch (Backend.NativeBackendException problem)
        {
            error.WriteLine("error: " + problem.Message);
            return 1;
        }

        torch.Device device;
        try
        {
            device = options.Device is null ? torch.CPU : new torch.Device(options.Device);
        }
        catch (Exception problem) when (problem is ArgumentException or FormatException)
        {
            error.WriteLine($"error: Option '--device' expects cpu, cuda or cuda:N; got '{options.Device}'.");
            return 2;
        }
        if (device.type == DeviceType.CUDA && !torch.cuda.is_available())
        {
            error.WriteLine($"error: Option '--device {options.Device}': CUDA is not available here (this build uses the CPU libtorch, or no GPU is visible). Use --device cpu.");
            return 2;
        }

        TTrainer trainer;
        try
        {
            trainer = create(config, device);
        }
        catch (HyperParameterException problem)
        {
            error.WriteLine("error: " + problem.Message);
            return 2;
        }
        using var owned = trainer;
        output.WriteLine($"{trainerName} on {device.type.ToString().ToLowerInvariant()}, {trainer.Model.ParameterCount:N0} parameters");
        output.Write(trainer.Model.Summary(("B", config.BatchSize)).ToString());

        DataSplits data;
        try
        {
            var source = new TData();
            if (options.DataFolder is not null)
            {
                if (source is not IFileDataSource files)
                {
                    error.WriteLine($"error: Option '--data': {typeof(TData).Name} does not read files from a folder.");
                    return 2;
                }
                files.DataFolder = options.DataFolder;
            }
            data = source.Load(config.Seed);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            // Missing files, malformed records: the message names the file and line or record.
            string hint = problem is FileNotFoundException or DirectoryNotFoundException ? " (--data FOLDER reads the dataset's files from another folder)" : "";
            error.WriteLine($"error: {typeof(TData).Name}: {problem.Message}{hint}");
            return 1;
        }
        foreach (var skipped in data.Skipped) output.WriteLine("data: " + skipped);
        string? normalization = data.Normalization?.ToJson();
        if (resumed is not null)
        {
            // Other data is refused before anything of the run folder is written over.
            try
            {
                ResumeCheck.Require(options.Resume!, resumed, config, normalization, options.ResumeWithChanges);
            }
            catch (HyperParameterException problem)
            {
                error.WriteLine("error: " + problem.Message);
                return 2;
            }
        }
        folder ??= options.OutputFolder ?? Path.Combine("runs", trainerName);
        Directory.CreateDirectory(folder);
        Checkpoint.RemoveStaleTemporaries(folder);
        // The run's settings and the statistics inference needs are there from the start, not only once it ends.
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), config.ToJson());
        data.Normalization?.Save(Path.Combine(folder, "normalization.json"));
        if (resumed is not null && options.Resume is { } from)
        {
            output.WriteLine($"resuming from {from} (step {resumed.Step:N0}, epoch {resumed.Epoch}) into {folder}");
            if (savedConfig is not null && config.Epochs != savedConfig.Epochs && config.Schedule is Optimization.Schedule.WarmupCosine or Optimization.Schedule.OneCycle)
                output.WriteLine($"note: --epochs {config.Epochs} changes the run's length, so the {config.Schedule} schedule continues as one of {config.Epochs} epochs from here.");
        }
        // Ctrl-C asks training to checkpoint and stop instead of killing the process.
        using var interrupt = new System.Threading.CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        FitResult result;
        // The run log continues the files of the run folder the checkpoint came from.
        string? continueFrom = options.Resume is { } origin ? Checkpoint.RunFolderOf(origin) : null;
        using var log = new RunLog(folder, continueFrom: continueFrom);
        try
        {
            var fit = new FitOptions
            {
                CheckpointFolder = Path.Combine(folder, "checkpoints"),
                CheckpointEvery = options.CheckpointEvery ?? 0,
                RunOptions = options.ToJson(),
                ResumeFrom = options.Resume,
                ResumeWithChanges = options.ResumeWithChanges,
                Normalization = normalization,
                Augmentation = data.Augmentation,
                LastBatch = data.LastBatch,
                Cancellation = interrupt.Token,
            };
            result = trainer.Fit(data.Train, data.Validation, new ProgressGroup(new ConsoleProgress(output == Console.Out ? null : output), log), fit);
        }
        catch (HyperParameterException problem)
        {
            error.WriteLine("error: " + problem.Message);
            return 2;
        }
        catch (Exception problem) when (problem is TrainingDivergedException or InvalidDataException)
        {
            error.WriteLine("error: " + problem.Message);
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        if (result.Interrupted)
        {
            log.Finish(result, trainerName, data.Skipped);
            output.WriteLine($"interrupted; continue with --resume {result.LastCheckpoint}");
            return 130;
        }

        string weights = Path.Combine(folder, "model.dat");
        trainer.Save(weights);
        string kept = WeightsKept(result, config);
        var final = result.Final.Validation;
        string accuracy = final.Accuracy is { } a ? $", validation accuracy {a * 100:F2}%" : "";
        output.WriteLine(FormattableString.Invariant(
            $"done in {result.Elapsed.TotalSeconds:F1} s: validation loss {final.Loss:F4}{accuracy}; weights saved to {weights} ({kept}); peak RSS {PeakMemory.Describe(PeakMemory.ResidentBytes())}"));
        Evaluation? tested = null;
        if (data.Test is { } test)
        {
            // Fit never saw the test split; it is measured once, with the weights kept.
            tested = trainer.Evaluate(test);
            string testAccuracy = tested.Accuracy is { } t ? $", test accuracy {t * 100:F2}%" : "";
            output.WriteLine(FormattableString.Invariant($"test on {tested.Samples:N0} samples with {kept}: loss {tested.Loss:F4}{testAccuracy}"));
        }
        log.Finish(result, trainerName, data.Skipped, kept, tested);
        afterTraining?.Invoke(trainer, data, output);
        return 0;
    }

    /// <summary>Which weights the run ended with, for the console and the summary.</summary>
    private static string WeightsKept(FitResult result, TrainingHyperParameters config)
    {
        int last = result.Final.Epoch;
        if (result.RestoredEpoch is { } restored) return $"the weights of epoch {restored.Epoch}, the lowest validation loss; --restore-best";
        var best = FitResult.LowestValidationLoss(result.Epochs);
        if (config.RestoreBest && best is not null && best.Epoch != last)
            return $"the final weights, of epoch {last}: --restore-best found no copy of epoch {best.Epoch}'s";
        return config.RestoreBest ? $"the weights of epoch {last}, the final and best one" : $"the final weights, of epoch {last}";
    }

    private static string ReadConfig(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            throw new HyperParameterException($"Option '--config': cannot read '{path}': {problem.Message}", problem);
        }
    }

    /// <summary>The flags a trainer handles itself, split from the hyperparameter flags.</summary>
    /// <remarks><c>CheckpointEvery</c> is null when not given: 0 then, or the resumed run's.</remarks>
    public sealed record RunOptions(bool Help, string? ConfigPath, string? Device, string? OutputFolder, string? Resume = null, long? CheckpointEvery = null, string? DataFolder = null, bool ResumeWithChanges = false)
    {
        /// <summary>What a checkpoint keeps of these: <c>--checkpoint-every</c> and the data folder (absolute).</summary>
        public string ToJson()
        {
            using var buffer = new MemoryStream();
            using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("checkpointEvery", CheckpointEvery ?? 0);
                if (DataFolder is not null) json.WriteString("data", Path.GetFullPath(DataFolder));
                json.WriteEndObject();
            }
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>These options, with those not given taken from the run a checkpoint was written by (<see cref="ToJson"/>).</summary>
        public RunOptions ContinuedFrom(string? saved)
        {
            if (saved is null) return this;
            using var document = System.Text.Json.JsonDocument.Parse(saved);
            var root = document.RootElement;
            return this with
            {
                CheckpointEvery = CheckpointEvery ?? (root.TryGetProperty("checkpointEvery", out var every) ? every.GetInt64() : null),
                DataFolder = DataFolder ?? (root.TryGetProperty("data", out var data) ? data.GetString() : null),
            };
        }

        public static RunOptions Extract(IReadOnlyList<string> args, out List<string> rest)
        {
            rest = [];
            bool help = false, resumeWithChanges = false;
            string? config = null, device = null, folder = null, resume = null, data = null;
            long? checkpointEvery = null;
            for (int i = 0; i < args.Count; i++)
            {
                string arg = args[i];
                int equals = arg.IndexOf('=');
                string flag = equals < 0 ? arg : arg[..equals];
                if (flag is "--help" or "-h")
                {
                    help = true;
                    continue;
                }
                if (flag == ResumeWithChangesFlag)
                {
                    resumeWithChanges = true;
                    continue;
                }
                if (Array.IndexOf(RunFlags, flag) < 0)
                {
                    rest.Add(arg);
                    continue;
                }
                string value;
                if (equals >= 0) value = arg[(equals + 1)..];
                else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
                else throw new HyperParameterException($"Option '{flag}' expects a value but no value was given.");
                switch (flag)
                {
                    case "--config": config = value; break;
                    case "--device": device = value; break;
                    case "--output": folder = value; break;
                    case "--resume": resume = value; break;
                    case "--data": data = value; break;
                    case "--checkpoint-every":
                        if (!long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long every) || every < 0)
                            throw new HyperParameterException($"Option '--checkpoint-every' expects a number of steps (0 for each epoch's end); got '{value}'.");
                        checkpointEvery = every;
                        break;
                }
            }
            if (resumeWithChanges && resume is null) throw new HyperParameterException($"Option '{ResumeWithChangesFlag}' applies to --resume, which was not given.");
            return new RunOptions(help, config, device, folder, resume, checkpointEvery, data, resumeWithChanges);
        }
    }
}
