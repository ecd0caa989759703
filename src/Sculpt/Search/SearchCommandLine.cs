using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Sculpt.Data;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Search;
using TorchSharp;

namespace Sculpt.Training;

public static partial class TrainerCommandLine
{
    private static readonly string[] SearchFlags = ["--trials", "--sampler", "--pruner", "--study", "--objective", "--search-seed", "--parallel"];

    /// <summary>Marks a process that <c>--parallel</c> started: it runs its share of the trials and leaves the results to its parent.</summary>
    private const string WorkerFlag = "--search-worker";

    /// <summary>What <c>search</c> was asked to do.</summary>
    private sealed record SearchOptions(int Trials, string Sampler, string Pruner, string? StudyPath, string Objective, int Seed, int Parallel, bool Worker);

    /// <summary>
    /// <c>search</c>: trials of the hyperparameters that declare <c>[SearchRange]</c> or <c>[SearchChoice]</c>, each trained in
    /// this process, in a study file that a later or parallel run continues. A configuration that breaks a range or the
    /// model's shapes is recorded as invalid and never built. Returns the exit code.
    /// </summary>
    private static int Search<TTrainer, TModel, TData, TConfig>(string trainerName, string[] args, Func<TConfig, torch.Device, TTrainer> create, TextWriter output, TextWriter error)
        where TTrainer : Trainer<TModel, TData, TConfig>
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TData : IDataSource, new()
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>, new()
    {
        var phase = Phase.Usage;
        bool verbose = Array.IndexOf(args, "--verbose") >= 0;
        try
        {
            var search = ExtractSearchOptions(args, out var remaining);
            var options = RunOptions.Extract(remaining, out var rest);
            if (options.Help)
            {
                output.Write(SearchHelp<TConfig>(trainerName));
                return ExitCodes.Success;
            }
            if (options.Resume is not null) throw new HyperParameterException("Option '--resume' continues one run; a search continues by naming its --study file again.");
            TConfig baseConfig = new();
            if (options.ConfigPath is not null) baseConfig = TConfig.BindJson(baseConfig, ReadConfig(options.ConfigPath), options.ConfigPath);
            baseConfig = TConfig.Bind(baseConfig, rest);
            RangeCheck.ThrowIfAny(baseConfig.ValidationErrors(), typeof(TConfig).Name);
            // A flag given on the command line is fixed for every trial, even where the record declares it searched.
            var given = new HashSet<string>(rest.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a.Split('=')[0]));
            var space = TConfig.Options.Where(o => o.Search is not null && !given.Contains(o.Flag)).Select(o => o.Search!).ToList();
            if (space.Count == 0)
            {
                throw new HyperParameterException($"search: no hyperparameter of {typeof(TConfig).Name} is searched; declare [SearchRange] or [SearchChoice] on one (docs/search.md).");
            }
            var sampler = ISampler.Named(search.Sampler, search.Seed);
            var pruner = IPruner.Named(search.Pruner);
            bool maximize = HyperParameterSearch.Maximizes(search.Objective, "Option '--objective'");

            // With --parallel N, the cores are shared out: each process trains with its part of them, unless --threads says.
            if (search.Parallel > 1 && options.Threads is null) options = options with { Threads = Math.Max(1, Environment.ProcessorCount / search.Parallel) };
            var process = Backend.ProcessSettings.ForTraining(options.Threads).Apply();
            var device = ParseDevice(options.Device);
            phase = Phase.Data;
            var source = new TData();
            if (options.DataFolder is not null)
            {
                if (source is not IFileDataSource files) throw new HyperParameterException($"Option '--data': {typeof(TData).Name} does not read files from a folder.");
                files.DataFolder = options.DataFolder;
            }
            var data = source.Load(baseConfig.Seed);

            phase = Phase.Output;
            string folder = options.OutputFolder ?? Path.Combine("runs", trainerName + "-search");
            RequireWritableFolder(folder);
            using var study = Study.Open(search.StudyPath ?? Path.Combine(folder, "study.db"), space, search.Objective, maximize);
            int released = study.ReleaseAbandoned();
            output.WriteLine($"{trainerName} search: {search.Trials} trials, {sampler.Name} sampler, {pruner.Name} pruner, {search.Objective} ({(maximize ? "higher" : "lower")} is better), {process.Threads} threads");
            foreach (var dimension in space) output.WriteLine("  " + dimension.Describe());
            if (released > 0) output.WriteLine($"  {released} trial(s) of an ended search marked interrupted; their configurations may run again");

            // The other processes of --parallel N share the study; this one takes the first share of the trials.
            var workers = search.Parallel > 1 && !search.Worker
                ? StartWorkers(search, options.Threads!.Value, output)
                : [];
            int mine = search.Parallel > 1 && !search.Worker ? Share(search.Trials, search.Parallel, 0) : search.Trials;
            using var interrupt = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                interrupt.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                phase = Phase.Training;
                if (!HyperParameterSearch.RunTrials<TTrainer, TModel, TData, TConfig>(study, sampler, pruner, mine, baseConfig, data, device, create, folder, output, interrupt.Token))
                    output.WriteLine("the grid is done: every configuration has been tried");
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            int workerCode = ExitCodes.Success;
            foreach (var (number, worker) in workers)
            {
                worker.WaitForExit();
                if (worker.ExitCode != ExitCodes.Success) output.WriteLine($"worker {number} ended with exit code {worker.ExitCode}");
                if (worker.ExitCode is not (ExitCodes.Success or ExitCodes.Interrupted)) workerCode = worker.ExitCode;
                worker.Dispose();
            }
            if (search.Worker) return interrupt.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
            phase = Phase.Output;
            WriteSearchResults(study, baseConfig, folder, trainerName, output);
            if (workerCode != ExitCodes.Success) return workerCode;
            if (interrupt.IsCancellationRequested)
            {
                output.WriteLine($"interrupted; run the same command again to continue the study");
                return ExitCodes.Interrupted;
            }
            return ExitCodes.Success;
        }
        catch (Exception problem)
        {
            var (code, message) = problem is StudyMismatchException or ArgumentException ? (ExitCodes.Usage, problem.Message) : Describe<TData>(problem, phase);
            error.WriteLine("error: " + OneLine(message));
            if (verbose) error.WriteLine(problem.ToString());
            return code;
        }
    }

    /// <summary>Builds, checks and trains one trial's configuration, and records how it ended.</summary>
    internal static void RunTrial<TTrainer, TModel, TData, TConfig>(
        Trial trial, Study study, TConfig baseConfig, DataSplits data, torch.Device device, Func<TConfig, torch.Device, TTrainer> create, IPruner pruner,
        string folder, TextWriter output, CancellationToken interrupt)
        where TTrainer : Trainer<TModel, TData, TConfig>
        where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
        where TData : IDataSource, new()
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>, new()
    {
        string described = string.Join(" ", trial.Arguments);
        TConfig config;
        try
        {
            config = TConfig.Bind(baseConfig, trial.Arguments);
        }
        catch (HyperParameterException problem)
        {
            Invalid(problem.Message);
            return;
        }
        // Checked before a single tensor is allocated: a range, then every size comparison the config decides.
        var problems = config.ValidationErrors().Concat(TModel.ShapeErrors(config)).ToList();
        if (problems.Count > 0)
        {
            Invalid(problems[0]);
            return;
        }
        Directory.CreateDirectory(folder);
        Checkpoints.AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), config.ToJson());
        using var pruned = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        var judge = new TrialJudge(study, trial.Number, pruner, pruned);
        try
        {
            using var trainer = create(config, device);
            trainer.CheckData(data);
            using var log = new RunLog(folder);
            var fit = new FitOptions
            {
                CheckpointFolder = Path.Combine(folder, "checkpoints"),
                KeepLast = 1,
                Normalization = data.Normalization?.ToJson(),
                Augmentation = data.Augmentation,
                LastBatch = data.LastBatch,
                Cancellation = pruned.Token,
            };
            var result = trainer.Fit(data.Train, data.Validation, new ProgressGroup(log, judge, new GarbageBound()), fit);
            double? value = judge.Best;
            var state = judge.Pruned ? TrialState.Pruned : result.Interrupted ? TrialState.Interrupted : TrialState.Complete;
            study.Finish(trial.Number, state, value, state == TrialState.Interrupted ? "interrupted (Ctrl-C)" : null);
            output.WriteLine(FormattableString.Invariant($"trial {trial.Number,4}  {state.ToString().ToLowerInvariant(),-11} {Value(value),10}  after {result.Epochs.Count} epoch(s), {result.Elapsed.TotalSeconds:F1} s  {described}"));
        }
        catch (HyperParameterException problem)
        {
            // A layer's own check when the model is built (a size below 1, a rate above 1): the configuration, not the search, is at fault.
            Invalid(problem.Message);
        }
        catch (TrainingDivergedException problem)
        {
            study.Finish(trial.Number, TrialState.Failed, null, OneLine(problem.Message));
            output.WriteLine($"trial {trial.Number,4}  failed      {"",10}  {described}: {OneLine(problem.Message)}");
        }
        catch
        {
            study.Finish(trial.Number, TrialState.Failed, null, "an error ended the search");
            throw;
        }

        void Invalid(string reason)
        {
            study.Finish(trial.Number, TrialState.Invalid, null, OneLine(reason));
            output.WriteLine($"trial {trial.Number,4}  invalid     {"",10}  {described}: {OneLine(reason)}");
        }
    }

    private static string Value(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "";

    /// <summary>Reports each epoch's objective to the study and stops the trial when the pruner says so.</summary>
    private sealed class TrialJudge(Study study, int number, IPruner pruner, CancellationTokenSource stop) : ITrainingProgress
    {
        public double? Best { get; private set; }

        public bool Pruned { get; private set; }

        public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep) { }

        public bool WantsStep(long stepInEpoch) => false;

        public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate) { }

        public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed)
        {
            double value = study.Maximize ? report.Validation.Accuracy ?? double.NaN : report.Validation.Loss;
            if (!double.IsFinite(value)) return;
            if (Best is not { } best || study.ToLoss(value) < study.ToLoss(best)) Best = value;
            study.Report(number, report.Epoch, value);
            // The study is read (every trial's reports) only for a pruner that compares with them.
            if (report.Epoch < epochs && pruner is not NoPruner && pruner.Prune(number, report.Epoch, study.ToLoss(value), study.Trials(), study.ToLoss))
            {
                Pruned = true;
                stop.Cancel();
            }
        }

        public void FitEnded() { }
    }

    /// <summary>The table of trials, <c>best-config.json</c> (which <c>--config</c> reads) and <c>search.md</c>.</summary>
    internal static void WriteSearchResults<TConfig>(Study study, TConfig baseConfig, string folder, string trainerName, TextWriter output)
        where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>, new()
    {
        var trials = study.Trials();
        var scored = trials.Where(t => t.State is TrialState.Complete or TrialState.Pruned && t.Value is not null).ToList();
        var best = scored.Where(t => t.State == TrialState.Complete).DefaultIfEmpty(null).MinBy(t => t is null ? double.MaxValue : study.ToLoss(t.Value!.Value));
        var text = new StringBuilder();
        text.AppendLine($"# {trainerName}: hyperparameter search").AppendLine();
        text.AppendLine($"{study.Objective} ({(study.Maximize ? "higher" : "lower")} is better) over {string.Join("; ", study.Space.Select(d => d.Describe()))}.").AppendLine();
        text.AppendLine(string.Join(", ", Enum.GetValues<TrialState>().Select(s => $"{trials.Count(t => t.State == s)} {s.ToString().ToLowerInvariant()}"))).AppendLine();
        text.AppendLine("| trial | state | " + string.Join(" | ", study.Space.Select(d => d.Flag)) + $" | {study.Objective} | note |");
        text.AppendLine("|---:|---|" + string.Concat(study.Space.Select(_ => "---:|")) + "---:|---|");
        foreach (var trial in trials)
        {
            text.AppendLine($"| {trial.Number} | {trial.State.ToString().ToLowerInvariant()} | " + string.Join(" | ", study.Space.Select(d => trial.Parameters.GetValueOrDefault(d.Flag, ""))) + $" | {Value(trial.Value)} | {trial.Reason?.Replace("|", "/") ?? ""} |");
        }
        if (best is not null)
        {
            var config = TConfig.Bind(baseConfig, best.Arguments);
            Checkpoints.AtomicFile.WriteAllText(Path.Combine(folder, "best-config.json"), config.ToJson());
            text.AppendLine().AppendLine($"Best: trial {best.Number}, {study.Objective} {Value(best.Value)}: `{string.Join(" ", best.Arguments)}`; its configuration is `best-config.json` (train with `--config {Path.Combine(folder, "best-config.json")}`).");
            output.WriteLine($"best: trial {best.Number}, {study.Objective} {Value(best.Value)}: {string.Join(" ", best.Arguments)}; configuration in {Path.Combine(folder, "best-config.json")}");
        }
        var importance = SearchReport.Importance(study.Space, trials);
        if (importance.Count > 0)
        {
            text.AppendLine().AppendLine("Share of the objective's spread each hyperparameter explains alone (complete trials; docs/search.md):").AppendLine();
            foreach (var (flag, share) in importance) text.AppendLine(FormattableString.Invariant($"- `{flag}`: {share * 100:F0}%"));
            Checkpoints.AtomicFile.Write(Path.Combine(folder, "importance.png"), stream => stream.Write(SearchReport.ImportancePlot(importance, $"{trainerName}: hyperparameter importance")));
            text.AppendLine().AppendLine("![importance](importance.png)");
        }
        if (scored.Count > 0)
        {
            Checkpoints.AtomicFile.Write(Path.Combine(folder, "history.png"), stream => stream.Write(SearchReport.HistoryPlot(trials, study.Objective, study.ToLoss, $"{trainerName}: search")));
            text.AppendLine().AppendLine("![history](history.png)");
            Checkpoints.AtomicFile.Write(Path.Combine(folder, "parallel.png"), stream => stream.Write(SearchReport.ParallelCoordinatesPlot(study.Space, trials, study.Objective, study.ToLoss, $"{trainerName}: trials")));
            text.AppendLine().AppendLine("![parallel coordinates](parallel.png)");
        }
        Checkpoints.AtomicFile.WriteAllText(Path.Combine(folder, "search.md"), text.ToString());
    }

    /// <summary>Trials of worker <paramref name="worker"/> when <paramref name="trials"/> are shared by <paramref name="workers"/>.</summary>
    private static int Share(int trials, int workers, int worker) => trials / workers + (worker < trials % workers ? 1 : 0);

    /// <summary>
    /// Starts workers 2..N of <c>--parallel N</c>: this program again with the same command line, its share of the trials,
    /// <paramref name="threads"/> threads and <c>--search-worker</c>; their lines are printed with the worker's number.
    /// </summary>
    private static List<(int Number, System.Diagnostics.Process Process)> StartWorkers(SearchOptions search, int threads, TextWriter output)
    {
        string[] original = Environment.GetCommandLineArgs();
        string program = Environment.ProcessPath ?? throw new InvalidOperationException("This process's program is unknown, so --parallel cannot start more of it.");
        var workers = new List<(int, System.Diagnostics.Process)>();
        for (int number = 2; number <= search.Parallel; number++)
        {
            int share = Share(search.Trials, search.Parallel, number - 1);
            if (share == 0) continue;
            var start = new System.Diagnostics.ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            // Run as `dotnet app.dll`, the host needs the app again; an app host is the app itself.
            if (Path.GetFileNameWithoutExtension(program) == "dotnet") start.ArgumentList.Add(original[0]);
            foreach (string arg in WithoutFlags(original[1..], "--parallel", "--trials", "--threads")) start.ArgumentList.Add(arg);
            foreach (string arg in new[] { "--trials", share.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture), WorkerFlag })
                start.ArgumentList.Add(arg);
            var process = new System.Diagnostics.Process { StartInfo = start };
            string prefix = $"[worker {number}] ";
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.WriteLine(prefix + e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.WriteLine(prefix + e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            workers.Add((number, process));
        }
        return workers;
    }

    /// <summary><paramref name="args"/> without the named value flags (<c>--trials 4</c> and <c>--trials=4</c>).</summary>
    private static List<string> WithoutFlags(IReadOnlyList<string> args, params string[] flags)
    {
        var kept = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (ValueFlag(args, ref i, flags) is null) kept.Add(args[i]);
        }
        return kept;
    }

    private static SearchOptions ExtractSearchOptions(IReadOnlyList<string> args, out List<string> rest)
    {
        rest = [];
        int trials = 20, seed = 0, parallel = 1;
        string sampler = "tpe", pruner = "median", objective = "val-loss";
        string? study = null;
        bool worker = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == WorkerFlag)
            {
                worker = true;
                continue;
            }
            if (ValueFlag(args, ref i, SearchFlags) is not var (flag, value))
            {
                rest.Add(arg);
                continue;
            }
            switch (flag)
            {
                case "--trials":
                    trials = PositiveInteger(flag, value);
                    break;
                case "--parallel":
                    parallel = PositiveInteger(flag, value);
                    break;
                case "--search-seed":
                    seed = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s : throw new HyperParameterException($"Option '--search-seed' expects an integer; got '{value}'.");
                    break;
                case "--sampler":
                    sampler = value;
                    break;
                case "--pruner":
                    pruner = value;
                    break;
                case "--objective":
                    objective = value;
                    break;
                default:
                    study = value;
                    break;
            }
        }
        return new SearchOptions(trials, sampler, pruner, study, objective, seed, parallel, worker);
    }

    private static int PositiveInteger(string flag, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new HyperParameterException($"Option '{flag}' expects a positive integer; got '{value}'.");

    private static string SearchHelp<TConfig>(string trainerName) where TConfig : IHyperParameters<TConfig>
    {
        var text = new StringBuilder();
        text.AppendLine($"usage: {trainerName} search [--trials N] [--parallel N] [--sampler grid|random|tpe|gp] [--pruner none|median|halving] [--objective val-loss|val-accuracy]");
        text.AppendLine("                   [--study FILE] [--search-seed N] [--output FOLDER] [--threads N] [--device cpu|cuda] [--data FOLDER] [--config FILE] [--flag value ...]");
        text.AppendLine();
        text.AppendLine("Trains one configuration per trial, drawn from the searched hyperparameters; flags given here stay fixed.");
        text.AppendLine("The study file (default FOLDER/study.db) keeps every trial: run the same command again to continue it,");
        text.AppendLine("or several at once to share it; --parallel N starts N processes that share the trials and the cores.");
        text.AppendLine("Defaults: 20 trials, 1 process, tpe, median, val-loss, seed 0, runs/NAME-search.");
        text.AppendLine();
        text.AppendLine("searched:");
        foreach (var option in TConfig.Options.Where(o => o.Search is not null)) text.AppendLine("  " + option.Search!.Describe());
        return text.ToString();
    }
}
