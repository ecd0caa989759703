using System;
using System.Collections.Generic;
using System.IO;
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
    private static readonly string[] RunFlags = ["--help", "--config", "--device", "--output", "--resume", "--checkpoint-every", "--data", "--threads"];

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
                output.WriteLine($"usage: {trainerName} [--config file.json] [--device cpu|cuda[:N]] [--output folder] [--resume checkpoint] [--checkpoint-every steps] [--data folder] [--threads N] [options]\n");
                output.Write(HelpText.Format(TConfig.Options));
                return 0;
            }
            config = options.ConfigPath is null ? new TConfig() : TConfig.FromJson(ReadConfig(options.ConfigPath), options.ConfigPath);
            config = TConfig.Bind(config, rest);
            RangeCheck.ThrowIfAny(config.ValidationErrors(), typeof(TConfig).Name);
        }
        catch (HyperParameterException problem)
        {
            error.WriteLine("error: " + problem.Message);
            return 2;
        }

        Backend.ProcessSettings.Applied process;
        try
        {
            // A training program owns its process: these settings are the command line's, never the library's.
            process = Backend.ProcessSettings.ForTraining(options.Threads).Apply();
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
        string threads = device.type == DeviceType.CPU ? $" ({process.Threads} thread{(process.Threads == 1 ? "" : "s")})" : "";
        output.WriteLine($"{trainerName} on {device.type.ToString().ToLowerInvariant()}{threads}, {trainer.Model.ParameterCount:N0} parameters");
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
        string folder = options.OutputFolder ?? Path.Combine("runs", trainerName);
        Directory.CreateDirectory(folder);
        // Ctrl-C asks training to checkpoint and stop instead of killing the process.
        using var interrupt = new System.Threading.CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        FitResult result;
        try
        {
            var fit = new FitOptions
            {
                CheckpointFolder = Path.Combine(folder, "checkpoints"),
                CheckpointEvery = options.CheckpointEvery,
                ResumeFrom = options.Resume,
                Augmentation = data.Augmentation,
                LastBatch = data.LastBatch,
                Cancellation = interrupt.Token,
            };
            using var log = new RunLog(folder);
            result = trainer.Fit(data.Train, data.Validation, new ProgressGroup(new ConsoleProgress(output == Console.Out ? null : output), log), fit);
            log.Finish(result, trainerName, data.Skipped);
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
            output.WriteLine($"interrupted; continue with --resume {result.LastCheckpoint}");
            return 130;
        }

        string weights = Path.Combine(folder, "model.dat");
        trainer.Save(weights);
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJson());
        // Inputs at inference need the training split's statistics, so they go beside the weights.
        data.Normalization?.Save(Path.Combine(folder, "normalization.json"));

        var final = result.Final.Validation;
        string accuracy = final.Accuracy is { } a ? $", validation accuracy {a * 100:F2}%" : "";
        output.WriteLine(FormattableString.Invariant(
            $"done in {result.Elapsed.TotalSeconds:F1} s: validation loss {final.Loss:F4}{accuracy}; weights saved to {weights}; peak RSS {PeakMemory.Describe(PeakMemory.ResidentBytes())}"));
        if (data.Test is { } test)
        {
            // Fit never saw the test split; it is measured once, with the final weights.
            var tested = trainer.Evaluate(test);
            string testAccuracy = tested.Accuracy is { } t ? $", test accuracy {t * 100:F2}%" : "";
            output.WriteLine(FormattableString.Invariant($"test on {tested.Samples:N0} samples: loss {tested.Loss:F4}{testAccuracy}"));
        }
        afterTraining?.Invoke(trainer, data, output);
        return 0;
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
    public sealed record RunOptions(bool Help, string? ConfigPath, string? Device, string? OutputFolder, string? Resume = null, long CheckpointEvery = 0, string? DataFolder = null, int? Threads = null)
    {
        public static RunOptions Extract(IReadOnlyList<string> args, out List<string> rest)
        {
            rest = [];
            bool help = false;
            string? config = null, device = null, folder = null, resume = null, data = null;
            long checkpointEvery = 0;
            int? threads = null;
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
                        if (!long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out checkpointEvery) || checkpointEvery < 0)
                            throw new HyperParameterException($"Option '--checkpoint-every' expects a number of steps (0 for each epoch's end); got '{value}'.");
                        break;
                    case "--threads":
                        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count) || count < 1 || count > 4096)
                            throw new HyperParameterException($"Option '--threads' expects a number of threads from 1 to 4096; got '{value}'.");
                        threads = count;
                        break;
                }
            }
            return new RunOptions(help, config, device, folder, resume, checkpointEvery, data, threads);
        }
    }
}
