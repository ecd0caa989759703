using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.Checkpoints;
using Sculpt.Data;
using Sculpt.HyperParameters;
using Sculpt.Models;
using TorchSharp;

namespace Sculpt.Training;

/// <summary>
/// The exit codes of a generated trainer's command line, also listed by <c>--help</c>. Each names a
/// class of problem, so a script can tell a wrong flag from bad data or a full disk.
/// </summary>
public static class ExitCodes
{
    /// <summary>Training finished (or <c>--help</c> was shown).</summary>
    public const int Success = 0;

    /// <summary>Training failed: the loss diverged, the model failed on its data, or anything else unforeseen.</summary>
    public const int TrainingFailed = 1;

    /// <summary>Usage: an unknown flag, a flag without its value or out of range, a bad <c>--config</c> file or <c>--device</c>.</summary>
    public const int Usage = 2;

    /// <summary>Data: a dataset file (or a <c>--resume</c> checkpoint) is missing, unreadable, malformed, or does not fit the model.</summary>
    public const int Data = 3;

    /// <summary>Output: the <c>--output</c> folder cannot be created or written (a file is in the way, no permission, the disk is full).</summary>
    public const int Output = 4;

    /// <summary>Interrupted by Ctrl-C after writing a checkpoint to resume from.</summary>
    public const int Interrupted = 130;

    /// <summary>The table <c>--help</c> prints.</summary>
    public static string Table { get; } =
        "exit codes:\n" +
        "  0    done\n" +
        "  1    training failed (the loss diverged, the model failed, anything unforeseen)\n" +
        "  2    usage: unknown flag, missing or out-of-range value, bad --config file or --device\n" +
        "  3    data: a dataset file or --resume checkpoint is missing, unreadable, malformed or does not fit the model\n" +
        "  4    output: the --output folder cannot be created or written (a file in the way, no permission, disk full)\n" +
        "  130  interrupted (Ctrl-C); continue with --resume\n" +
        "An error is one line on stderr; --verbose adds its stack trace.\n";
}

/// <summary>
/// The command line of a generated trainer: <c>--help</c>, <c>--config file.json</c>,
/// <c>--device cpu|cuda[:N]</c>, <c>--output folder</c>, <c>--verbose</c>, then every hyperparameter flag.
/// A run that fails prints one line, <c>error: ...</c>, on the error stream and returns one of the
/// <see cref="ExitCodes"/>; the stack trace follows only with <c>--verbose</c>.
/// </summary>
public static partial class TrainerCommandLine
{
    private static readonly string[] RunFlags = ["--help", "--config", "--device", "--output", "--resume", "--checkpoint-every", "--data", "--threads", "--verbose", ResumeWithChangesFlag, DistributedFlag, SyncBatchNormFlag, PrecisionFallbackFlag];
    private const string DistributedFlag = "--distributed";
    private const string SyncBatchNormFlag = "--sync-batch-norm";
    private const string PrecisionFallbackFlag = "--precision-fallback";
    private const string ResumeWithChangesFlag = "--resume-with-changes";

    /// <summary>What a run is doing, which decides the exit code of a file error.</summary>
    private enum Phase { Usage, Checkpoint, Data, Input, Output, Training }

    /// <summary>Runs training as the command line asks; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
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
        foreach (var option in TConfig.Options)
        {
            if (Array.IndexOf(RunFlags, option.Flag) >= 0)
            {
                error.WriteLine($"error: {typeof(TConfig).Name}.{option.Property} takes the flag '{option.Flag}', which the trainer uses itself; rename the property.");
                return ExitCodes.Usage;
            }
        }
        if (args.Length > 0 && args[0] == "search") return Search<TTrainer, TModel, TData, TConfig>(trainerName, args[1..], create, output, error);
        if (args.Length > 0 && args[0] == "export") return Export<TModel, TData, TConfig>(trainerName, args[1..], output, error);
        if (args.Length > 0 && args[0] == "predict")
        {
            // A [CsvDataset] trainer's generated Run sends predict to Predict; images and text are told apart here.
            switch (new TData())
            {
                case Data.Images.IImageSource images:
                    return PredictImages<TModel, TData, TConfig>(trainerName, args[1..], images.Layout, output, error);
                case Text.ITextSource text:
                    return PredictText<TModel, TData, TConfig>(trainerName, args[1..], text.Tokenizer, text.Context, output, error);
            }
            error.WriteLine($"error: predict reads new rows of a [CsvDataset] record, image files of an image dataset, or prompts of a text dataset; {typeof(TData).Name} is none of these, so predict from code with the trained model (docs/prediction.md).");
            return ExitCodes.Usage;
        }
        var phase = Phase.Usage;
        // Before the flags are read, --verbose is looked for as written, so a bad flag's trace can be asked for too.
        bool verbose = Array.IndexOf(args, "--verbose") >= 0;
        string dataName = typeof(TData).Name;
        var group = Distributed.ProcessGroup.Single;
        try
        {
            var options = RunOptions.Extract(args, out var rest);
            if (options.Distributed)
            {
                // First: every process of the job must join before any of them can fail alone and end the job cleanly.
                group = Distributed.MpiProcessGroup.Join();
                // Only rank 0 prints and writes; the others report nothing but their own errors.
                if (!group.IsLeader) output = TextWriter.Null;
            }
            if (options.Help)
            {
                output.Write(Help<TData, TConfig>(trainerName));
                return ExitCodes.Success;
            }
            // A resumed run starts from the checkpoint's hyperparameters; --config and flags change them.
            TConfig config = new TConfig(), savedConfig = config;
            TrainingState? resumed = null;
            string? folder = null;
            if (options.Resume is { } resume)
            {
                phase = Phase.Checkpoint;
                resumed = Checkpoint.ReadState(resume);
                config = savedConfig = resumed.Config is { } saved ? TConfig.FromJson(saved, Path.Combine(resume, Checkpoint.StateFile)) : new TConfig();
                options = options.ContinuedFrom(resumed.RunOptions);
                phase = Phase.Usage;
            }
            // Layered like flags: a --config file changes what it names, over the checkpoint's values on a resume.
            if (options.ConfigPath is not null) config = TConfig.BindJson(config, ReadConfig(options.ConfigPath), options.ConfigPath);
            config = TConfig.Bind(config, rest);
            RangeCheck.ThrowIfAny(config.ValidationErrors(), typeof(TConfig).Name);
            if (resumed is not null)
            {
                // The data's statistics are compared once it is loaded.
                ResumeCheck.Require(options.Resume!, resumed, config, resumed.Normalization, options.ResumeWithChanges);
                folder = options.OutputFolder ?? Checkpoint.RunFolderOf(options.Resume!)
                    ?? throw new HyperParameterException($"Option '--resume': '{options.Resume}' is not inside a run's 'checkpoints' folder, so its run folder is unknown; name one with --output.");
            }

            // A training program owns its process: these settings are the command line's, never the library's.
            var process = (Backend.ProcessSettings.ForTraining(options.Threads) with { SharedBy = group.LocalSize }).Apply();
            var device = ParseDevice(options.Device);
            using var trainer = create(config, device);
            if (trainer.ChoosePrecision(options.PrecisionFallback) is { } precisionNote) output.WriteLine(precisionNote);
            if (group.Size > 1)
            {
                if (config.BatchSize < group.Size) throw new HyperParameterException($"Option '--batch-size': the batch of {config.BatchSize} is shared by the {group.Size} processes, so it must be at least {group.Size}.");
                trainer.Distribute(group, options.SyncBatchNorm);
            }
            string threads = device.type == DeviceType.CPU ? $" ({process.Threads} thread{(process.Threads == 1 ? "" : "s")}{(group.Size > 1 ? " each" : "")})" : "";
            if (options.Distributed) output.WriteLine($"distributed: {group.Size} process{(group.Size == 1 ? "" : "es")}, {group.LocalSize} on this machine (MPI: {Distributed.MpiProcessGroup.LibraryName}); each trains on its share of every batch of {config.BatchSize}");
            long frozen = trainer.FrozenParameterCount, trainable = trainer.TrainableParameterCount;
            string adapters = trainer.Adapted.Count == 0 ? "" : $", LoRA rank {config.LoraRank} on {trainer.Adapted.Count} layer(s)";
            string training = frozen == 0 ? ""
                : FormattableString.Invariant($" ({trainable:N0} trainable = {100.0 * trainable / (trainable + frozen):F1}%, {frozen:N0} frozen{(config.UnfreezeAt > 0 ? $" until epoch {config.UnfreezeAt}" : "")}{adapters})");
            string mixed = trainer.Precision == Precision.Fp32 ? "" : $", {trainer.Precision.ToString().ToLowerInvariant()} mixed precision";
            output.WriteLine($"{trainerName} on {device.type.ToString().ToLowerInvariant()}{threads}{mixed}, {trainable + frozen:N0} parameters{training}");
            if (trainer.InitReport is { } initialised) output.WriteLine($"initialised from {config.InitFrom}: {initialised}");
            output.Write(trainer.Model.Summary(("B", config.BatchSize)).ToString());

            phase = Phase.Data;
            var source = new TData();
            if (options.DataFolder is not null)
            {
                if (source is not IFileDataSource files) throw new HyperParameterException($"Option '--data': {dataName} does not read files from a folder.");
                files.DataFolder = options.DataFolder;
            }
            var data = source.Load(config.Seed);
            trainer.CheckData(data);
            foreach (var skipped in data.Skipped) output.WriteLine("data: " + skipped);
            string? normalization = data.Normalization?.ToJson();
            // Other data is refused before anything of the run folder is written over.
            if (resumed is not null) ResumeCheck.Require(options.Resume!, resumed, config, normalization, options.ResumeWithChanges);

            phase = Phase.Output;
            folder ??= options.OutputFolder ?? Path.Combine("runs", trainerName);
            if (group.IsLeader)
            {
                RequireWritableFolder(folder);
                Checkpoint.RemoveStaleTemporaries(folder);
            }
            if (resumed is not null && options.Resume is { } from)
            {
                output.WriteLine($"resuming from {from} (step {resumed.Step:N0}, epoch {resumed.Epoch}) into {folder}");
                if (config.Epochs != savedConfig.Epochs && config.Schedule is Optimization.Schedule.WarmupCosine or Optimization.Schedule.OneCycle)
                    output.WriteLine($"note: --epochs {config.Epochs} changes the run's length, so the {config.Schedule} schedule continues as one of {config.Epochs} epochs from here.");
            }

            phase = Phase.Training;
            // The run log continues the files of the run folder the checkpoint came from.
            string? continueFrom = options.Resume is { } origin ? Checkpoint.RunFolderOf(origin) : null;
            using var log = group.IsLeader ? new RunLog(folder, continueFrom: continueFrom) : null;
            ITrainingProgress progress = log is null
                ? new GarbageBound()
                : new ProgressGroup(new RunSettingsFiles(folder, config.ToJson(), data.Normalization, data.ClassNames), new ConsoleProgress(output == Console.Out ? null : output), log, new GarbageBound());
            var result = Fit(trainer, data, options, progress, folder, normalization);
            if (result.Interrupted)
            {
                phase = Phase.Output;
                log?.Finish(result, trainerName, data.Skipped);
                output.WriteLine($"interrupted; continue with --resume {result.LastCheckpoint}");
                return ExitCodes.Interrupted;
            }

            phase = Phase.Output;
            string weights = Path.Combine(folder, "model.dat");
            try
            {
                if (group.IsLeader)
                {
                    trainer.Save(weights);
                    foreach (var file in trainer.SaveAdapters(folder)) output.WriteLine($"saved {file}");
                }
            }
            catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
            {
                string then = result.LastCheckpoint is { } last
                    ? $"; the trained weights are in the checkpoint {last}: make room, then run again with --resume {last} to save them"
                    : "; make room and run again";
                throw new IOException($"Cannot save the trained model in '{folder}': {OutputFiles.Reason(problem)}{then}.", problem);
            }

            phase = Phase.Training;
            var final = result.Final.Validation;
            string accuracy = final.Accuracy is { } a ? $", validation accuracy {a * 100:F2}%" : "";
            string kept = WeightsKept(result, config);
            output.WriteLine(FormattableString.Invariant(
                $"done in {result.Elapsed.TotalSeconds:F1} s: validation loss {final.Loss:F4}{accuracy}; weights saved to {weights} ({kept}); peak RSS {PeakMemory.Describe(PeakMemory.ResidentBytes())}"));
            Evaluation? tested = null;
            if (data.Test is { } test)
            {
                // Fit never saw the test split; it is measured once, with the weights kept.
                tested = trainer.EvaluateAll(test);
                string testAccuracy = tested.Accuracy is { } t ? $", test accuracy {t * 100:F2}%" : "";
                output.WriteLine(FormattableString.Invariant($"test on {tested.Samples:N0} samples with {kept}: loss {tested.Loss:F4}{testAccuracy}"));
            }
            phase = Phase.Output;
            log?.Finish(result, trainerName, data.Skipped, kept, tested);
            phase = Phase.Training;
            if (group.IsLeader) afterTraining?.Invoke(trainer, data, output);
            return ExitCodes.Success;
        }
        catch (Exception problem)
        {
            var (code, message) = Describe<TData>(problem, phase);
            // In a job, processes mostly fail alike (a bad flag, the same data): rank 0's line is the one to show, and its
            // exit ends the others, so they wait a moment first. One that fails alone (a file missing on its machine) says which it is.
            if (group.Size > 1 && !group.IsLeader) System.Threading.Thread.Sleep(TimeSpan.FromSeconds(1));
            string rank = group.Size > 1 && !group.IsLeader ? $"rank {group.Rank} of {group.Size}: " : "";
            error.WriteLine("error: " + rank + OneLine(message));
            if (verbose) error.WriteLine(problem.ToString());
            error.Flush();
            // The other processes may be waiting in a collective for this one: end them all, with this code.
            if (group.Size > 1) group.Abort(code);
            return code;
        }
        finally
        {
            group.Dispose();
        }
    }

    /// <summary>
    /// What <c>--help</c> prints: the usage line, the run options with their defaults, the
    /// hyperparameters of <typeparamref name="TConfig"/> and the exit codes. <c>--data</c> is offered
    /// only when <typeparamref name="TData"/> reads files (<see cref="IFileDataSource"/>).
    /// </summary>
    public static string Help<TData, TConfig>(string trainerName)
        where TData : IDataSource
        where TConfig : IHyperParameters<TConfig>
    {
        bool readsFiles = typeof(TData).IsAssignableTo(typeof(IFileDataSource));
        string dataName = typeof(TData).Name;
        string data = readsFiles ? " [--data folder]" : "";
        var rows = new List<(string, string)>
        {
            ("--config file.json", "Hyperparameters from a JSON file, e.g. a run's config.json, over the defaults below (with --resume, over the checkpoint's); flags given as well change them"),
            ("--device cpu|cuda[:N]", "Where to train: cpu, or cuda (the first GPU) or cuda:N (default cpu)"),
            ("--output folder", $"The run folder: weights, config.json, checkpoints, logs, plots, summary.md (default {Path.Combine("runs", trainerName)}; with --resume, the checkpoint's run folder)"),
            ("--resume checkpoint", $"Continue a run from a checkpoint folder, e.g. {Path.Combine("runs", trainerName, "checkpoints", "step-000001000")}, with its hyperparameters (default: a new run)"),
            (ResumeWithChangesFlag, "Let --resume continue with hyperparameters other than the checkpoint's (default: differences are refused)"),
            ("--checkpoint-every steps", "Also write a checkpoint every this many steps (default 0: only at each epoch's end, and the best epoch's)"),
        };
        if (readsFiles) rows.Add(("--data folder", $"Read the files of {dataName} from this folder (default: the paths {dataName} declares)"));
        rows.Add(("--threads N", ThreadsHelp()));
        rows.Add((DistributedFlag, "Train as one process of an MPI job: mpiexec.mpich -n N <trainer> --distributed (docs/distributed.md); each process trains on its share of every batch (default: one process)"));
        rows.Add((SyncBatchNormFlag, "With --distributed, batch-norm layers normalise over the whole batch, as one process would (default: each process over its own rows)"));
        rows.Add(("--precision-fallback fp32|refuse|emulate", "When the device has no instructions for --precision bf16 or fp16 (a CPU without them): train in float32 and say so, stop, or emulate it (default fp32)"));
        rows.Add(("--verbose", "Add the stack trace to an error's one line (default off)"));
        rows.Add(("--help, -h", "Show this help"));
        var text = new System.Text.StringBuilder();
        text.Append($"usage: {trainerName} [--config file.json] [--device cpu|cuda[:N]] [--output folder] [--resume checkpoint [--resume-with-changes]] [--checkpoint-every steps]{data} [--threads N] [--distributed [--sync-batch-norm]] [--verbose] [options]\n");
        if (TConfig.Options.Any(o => o.Search is not null)) text.Append($"       {trainerName} search [--trials N] [--sampler grid|random|tpe|gp] [...]   (a hyperparameter search: {trainerName} search --help)\n");
        if (typeof(TData).IsAssignableTo(typeof(Data.Tabular.ITabularSource)))
            text.Append($"       {trainerName} predict --input FILE [--output FILE] [--run FOLDER]   (the trained model on new rows: {trainerName} predict --help)\n");
        else if (typeof(TData).IsAssignableTo(typeof(Data.Images.IImageSource)))
            text.Append($"       {trainerName} predict --input IMAGE|FOLDER [--output FILE] [--run FOLDER]   (the trained model on image files: {trainerName} predict --help)\n");
        else if (typeof(TData).IsAssignableTo(typeof(Text.ITextSource)))
            text.Append($"       {trainerName} predict --prompt TEXT | --input FILE [--tokens N] [...]   (the trained model continues text: {trainerName} predict --help)\n");
        text.Append($"       {trainerName} export --onnx FILE [--run FOLDER]   (the trained model as an ONNX file: {trainerName} export --help)\n");
        text.Append('\n');
        // One description column for both lists.
        int width = HelpText.ColumnWidth(rows.Select(r => r.Item1).Concat(TConfig.Options.Select(o => o.Usage)));
        text.Append("run options:\n").Append(HelpText.Columns(rows, width));
        text.Append($"\noptions: the hyperparameters of {typeof(TConfig).Name} (a --config file names them in camelCase)\n").Append(HelpText.Format(TConfig.Options, width));
        text.Append('\n').Append(ExitCodes.Table);
        return text.ToString();
    }

    /// <summary>
    /// <c>--threads</c>' line, with the count a run would use here: libtorch's default, one thread
    /// per physical core unless <c>OMP_NUM_THREADS</c> or <c>MKL_NUM_THREADS</c> says otherwise.
    /// </summary>
    private static string ThreadsHelp()
    {
        const string Line = "CPU threads for libtorch's math in each step";
        string? fromEnvironment = new[] { "OMP_NUM_THREADS", "MKL_NUM_THREADS" }
            .Where(name => int.TryParse(Environment.GetEnvironmentVariable(name), out int n) && n > 0)
            .Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}")
            .FirstOrDefault();
        string here;
        try
        {
            // Asking libtorch loads it; --help must work even where it cannot.
            Backend.NativeBackend.EnsureLoaded();
            here = $"{torch.get_num_threads()} here";
        }
        catch (Exception)
        {
            here = "";
        }
        string why = fromEnvironment is not null
            ? $"as {fromEnvironment} in the environment says"
            : "libtorch's choice of one per physical core, since a second thread on a core shares its vector units and adds little";
        return here.Length > 0 ? $"{Line} (default {here}: {why})" : $"{Line} (default {why})";
    }

    /// <summary>Trains with checkpoints in <paramref name="folder"/>; Ctrl-C asks training to checkpoint and stop instead of killing the process.</summary>
    private static FitResult Fit<TModel, TData, TConfig>(Trainer<TModel, TData, TConfig> trainer, DataSplits data, RunOptions options, ITrainingProgress progress, string folder, string? normalization)
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TData : IDataSource, new()
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
    {
        using var interrupt = new System.Threading.CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
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
                PrecisionFallback = options.PrecisionFallback,
            };
            return trainer.Fit(data.Train, data.Validation, progress, fit);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
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

    /// <summary>
    /// Writes the run's <c>config.json</c> and <c>normalization.json</c> when training starts, so they
    /// are there for a run that never finishes; only then, because a resumed run's checkpoint has
    /// been loaded and checked by that point, and a checkpoint that does not fit leaves the run
    /// folder's files as they were.
    /// </summary>
    private sealed class RunSettingsFiles(string folder, string config, FeatureNormalization? normalization, IReadOnlyList<string>? classNames) : ITrainingProgress
    {
        public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep)
        {
            AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), config);
            normalization?.Save(Path.Combine(folder, "normalization.json"));
            if (classNames is not null) AtomicFile.Write(Path.Combine(folder, Prediction.TrainedModel.ClassesFile), stream =>
            {
                // What predict names the classes by when the dataset does not declare them.
                using var json = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true });
                json.WriteStartArray();
                foreach (string name in classNames) json.WriteStringValue(name);
                json.WriteEndArray();
            });
        }

        public bool WantsStep(long stepInEpoch) => false;

        public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate)
        {
        }

        public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed)
        {
        }

        public void FitEnded()
        {
        }
    }

    /// <summary>
    /// The exit code and message for a failed run. Classes of error, not cases: a flag or config
    /// problem is usage wherever it shows; a file error (missing, unreadable, or malformed content:
    /// <see cref="InvalidDataException"/>) while loading is data, while creating or writing the run folder output; during training a damaged <c>--resume</c> checkpoint
    /// (<see cref="InvalidDataException"/>) is data and any other file error is output (checkpoints,
    /// the run log); everything else is a training failure.
    /// </summary>
    private static (int Code, string Message) Describe<TData>(Exception problem, Phase phase)
    {
        string dataName = typeof(TData).Name;
        // InvalidDataException, which the loaders throw for malformed content, is no IOException.
        bool fileError = problem is IOException or UnauthorizedAccessException or InvalidDataException;
        switch (problem)
        {
            case HyperParameterException when phase == Phase.Checkpoint:
                // The checkpoint's own hyperparameters do not read (another version of the record):
                // the file is at fault, not the command line.
                return (ExitCodes.Data, $"{problem.Message} The checkpoint was written with hyperparameters other than this program declares; resume it with the program that wrote it, or start a new run.");
            case HyperParameterException:
                return (ExitCodes.Usage, problem.Message);
            case Backend.NativeBackendException:
                return (ExitCodes.TrainingFailed, problem.Message);
            case Distributed.DistributedException:
                return (ExitCodes.Usage, problem.Message);
            case TrainingDivergedException:
                return (ExitCodes.TrainingFailed, problem.Message);
        }
        if (phase == Phase.Usage && fileError)
        {
            // A file a flag names (--init-from): its own message names the flag and the file.
            return (ExitCodes.Data, problem.Message);
        }
        if (phase == Phase.Checkpoint && fileError)
        {
            // The --resume checkpoint's own message names it; it is no file of the dataset.
            return (ExitCodes.Data, problem.Message);
        }
        if (phase == Phase.Data && (fileError || problem is ShapeMismatchException))
        {
            // Missing files, malformed records: the message names the file and line or record.
            bool declared = typeof(TData).IsAssignableTo(typeof(IFileDataSource));
            string hint = declared && problem is FileNotFoundException or DirectoryNotFoundException ? " (--data FOLDER reads the dataset's files from another folder)" : "";
            string named = problem.Message.StartsWith(dataName + ":", StringComparison.Ordinal) ? problem.Message : $"{dataName}: {problem.Message}";
            return (ExitCodes.Data, named + hint);
        }
        if (phase == Phase.Input && (fileError || problem is ShapeMismatchException))
        {
            // A sub-command's own input (predict's rows, images, prompts): its message names the file, and --data has no say.
            return (ExitCodes.Data, problem.Message);
        }
        if (phase == Phase.Training && problem is InvalidDataException)
        {
            return (ExitCodes.Data, problem.Message);
        }
        if (fileError && phase is Phase.Output or Phase.Training)
        {
            // The run folder's writers (the folder check, checkpoints, the run log, the final save) word their own errors.
            return (ExitCodes.Output, problem.Message);
        }
        return (ExitCodes.TrainingFailed, $"{problem.Message} (run with --verbose for the details)");
    }

    /// <summary>A message on one line: a message that spans lines (or holds control characters, from a binary file) would break the one-line error.</summary>
    private static string OneLine(string message)
    {
        var text = new System.Text.StringBuilder(message.Length);
        foreach (char c in message.Trim())
        {
            text.Append(c is '\r' or '\n' ? ' ' : char.IsControl(c) ? '?' : c);
        }
        return text.ToString();
    }

    private static torch.Device ParseDevice(string? name)
    {
        torch.Device device;
        try
        {
            device = name is null ? torch.CPU : new torch.Device(name);
        }
        catch (Exception problem) when (problem is ArgumentException or FormatException)
        {
            throw new HyperParameterException($"Option '--device' expects cpu, cuda or cuda:N; got '{name}'.", problem);
        }
        if (device.type == DeviceType.CUDA && !torch.cuda.is_available())
        {
            throw new HyperParameterException($"Option '--device {name}': CUDA is not available here (this build uses the CPU libtorch, or no GPU is visible). Use --device cpu.");
        }
        return device;
    }

    /// <summary>
    /// Creates the run folder and writes a file into it, so that a folder that cannot hold the run
    /// (a file in its place, no permission) is refused before training instead of at the first checkpoint.
    /// </summary>
    private static void RequireWritableFolder(string folder)
    {
        if (File.Exists(folder))
        {
            throw new IOException($"Option '--output': '{folder}' is a file, not a folder. Name a folder for the run (it is created when missing).");
        }
        for (string? above = Path.GetDirectoryName(Path.GetFullPath(folder)); above is not null && !Directory.Exists(above); above = Path.GetDirectoryName(above))
        {
            if (File.Exists(above)) throw new IOException($"Option '--output': '{above}' is a file, so the folder '{folder}' cannot be made inside it. Name a folder for the run.");
        }
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".sculpt-write-check-{Environment.ProcessId}");
            using (OutputFiles.Open(probe, FileMode.Create)) { }
            File.Delete(probe);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Option '--output': cannot write the run folder '{folder}': {OutputFiles.Reason(problem)}. Choose a folder you can write to, with room to spare.", problem);
        }
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
    /// <summary>
    /// <paramref name="args"/>[<paramref name="i"/>] as one of <paramref name="flags"/> with its value (<c>--flag value</c> or
    /// <c>--flag=value</c>), <paramref name="i"/> moved onto the value; null when it is none of them.
    /// </summary>
    /// <exception cref="HyperParameterException">The flag is the last argument, or another flag follows it.</exception>
    private static (string Flag, string Value)? ValueFlag(IReadOnlyList<string> args, ref int i, string[] flags)
    {
        string arg = args[i];
        int equals = arg.IndexOf('=');
        string flag = equals < 0 ? arg : arg[..equals];
        if (Array.IndexOf(flags, flag) < 0) return null;
        if (equals >= 0) return (flag, arg[(equals + 1)..]);
        if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) return (flag, args[++i]);
        throw new HyperParameterException($"Option '{flag}' expects a value but no value was given.");
    }

    public sealed record RunOptions(bool Help, string? ConfigPath, string? Device, string? OutputFolder, string? Resume = null, long? CheckpointEvery = null, string? DataFolder = null, bool Verbose = false, int? Threads = null, bool ResumeWithChanges = false, bool Distributed = false, bool SyncBatchNorm = false, PrecisionFallback PrecisionFallback = PrecisionFallback.Fp32)
    {        /// <summary>What a checkpoint keeps of these: <c>--checkpoint-every</c> and the data folder (absolute).</summary>
        public string ToJson()
        {
            using var buffer = new MemoryStream();
            using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("checkpointEvery", CheckpointEvery ?? 0);
                if (Threads is { } threads) json.WriteNumber("threads", threads);
                if (SyncBatchNorm) json.WriteBoolean("syncBatchNorm", true);
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
                // Numbers repeat only at the same thread count, so a resumed run keeps the run's.
                Threads = Threads ?? (root.TryGetProperty("threads", out var threads) ? threads.GetInt32() : null),
                DataFolder = DataFolder ?? (root.TryGetProperty("data", out var data) ? data.GetString() : null),
                // How batch norm trains is part of the run, as the thread count is.
                SyncBatchNorm = SyncBatchNorm || root.TryGetProperty("syncBatchNorm", out var sync) && sync.GetBoolean(),
            };
        }


        public static RunOptions Extract(IReadOnlyList<string> args, out List<string> rest)
        {
            rest = [];
            bool help = false, verbose = false, resumeWithChanges = false, distributed = false, syncBatchNorm = false;
            string? config = null, device = null, folder = null, resume = null, data = null;
            long? checkpointEvery = null;
            int? threads = null;
            var precisionFallback = PrecisionFallback.Fp32;
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
                if (arg == "--verbose")
                {
                    verbose = true;
                    continue;
                }
                if (flag == ResumeWithChangesFlag)
                {
                    resumeWithChanges = true;
                    continue;
                }
                if (arg == DistributedFlag)
                {
                    distributed = true;
                    continue;
                }
                if (arg == SyncBatchNormFlag)
                {
                    syncBatchNorm = true;
                    continue;
                }
                if (ValueFlag(args, ref i, RunFlags) is not { } taken)
                {
                    rest.Add(arg);
                    continue;
                }
                string value = taken.Value;
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
                    case "--threads":
                        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count) || count < 1 || count > 4096)
                            throw new HyperParameterException($"Option '--threads' expects a number of threads from 1 to 4096; got '{value}'.");
                        threads = count;
                        break;
                    case PrecisionFallbackFlag:
                        if (!Enum.TryParse(value, ignoreCase: true, out precisionFallback) || !Enum.IsDefined(precisionFallback) || char.IsDigit(value[0]))
                            throw new HyperParameterException($"Option '{PrecisionFallbackFlag}' expects fp32, refuse or emulate; got '{value}'.");
                        break;
                }
            }
            if (syncBatchNorm && !distributed) throw new HyperParameterException($"Option '{SyncBatchNormFlag}' applies to --distributed, which was not given.");
            if (resumeWithChanges && resume is null) throw new HyperParameterException($"Option '{ResumeWithChangesFlag}' applies to --resume, which was not given.");
            return new RunOptions(help, config, device, folder, resume, checkpointEvery, data, verbose, threads, resumeWithChanges, distributed, syncBatchNorm, precisionFallback);
        }
    }
}
