using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sculpt.Search;

namespace Sculpt.Benchmarks;

/// <summary>
/// Search on a real objective: the Fashion-MNIST MLP's validation accuracy after a few epochs, over the hyperparameters
/// its record declares searched (learning rate, weight decay, batch size, width, dropout). For each seed, the trainer's
/// own <c>search</c> runs random search without pruning and TPE with median pruning; Optuna's TPE
/// (References/optuna_trainer.py) drives the same trainer's command line, one process per trial. Reported: the best
/// accuracy random search reaches in its trials and the training time it took, the training time TPE with pruning needs
/// to reach it, and each sampler's best after 10, 20 and all trials. <c>curves.png</c> plots the best so far against
/// training time.
/// </summary>
internal static partial class SearchObjectiveBenchmark
{
    private static readonly string[] Fixed = ["--epochs", "2", "--threads", "2"];

    private sealed record SearchRun(string Label, List<(double? Value, double Seconds)> Trials);

    public static void Run(TextWriter output, string program, int seeds, int trials, string folder)
    {
        Directory.CreateDirectory(folder);
        var space = Space(program);
        string spaceFile = Path.Combine(folder, "space.json");
        File.WriteAllText(spaceFile, JsonSerializer.Serialize(space.Select(d => new
        {
            flag = d.Flag, kind = d.Kind == SearchKind.Choice ? "choice" : "range", low = d.Low, high = d.High, log = d.Log, integer = d.Integer,
            choices = d.Choices.Select(c => int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? (object)n : c).ToArray(),
        })));
        output.WriteLine($"{Path.GetFileNameWithoutExtension(program)} mlp, {string.Join(" ", Fixed)}, val-accuracy, {trials} trials per search, {seeds} seeds");
        foreach (var d in space) output.WriteLine("  " + d.Describe());
        var runs = new List<List<SearchRun>>();
        for (int seed = 0; seed < seeds; seed++)
        {
            // TPE's first trials are random draws too; another seed keeps them from being random search's own first trials.
            var random = Sculpt(program, folder, "random", "none", seed, trials);
            var tpe = Sculpt(program, folder, "tpe", "median", 1000 + seed, trials);
            var optuna = Optuna(program, folder, spaceFile, seed, trials);
            var all = new List<SearchRun> { random, tpe };
            if (optuna is not null) all.Add(optuna);
            runs.Add(all);

            double target = Best(random.Trials, trials)!.Value;
            double randomTime = random.Trials.Sum(t => t.Seconds);
            double? reached = TimeToReach(tpe.Trials, target);
            output.WriteLine(FormattableString.Invariant(
                $"seed {seed}: random search's best {target:P2} after {randomTime:F0} s of training; TPE + median pruning reaches it after {(reached is { } r ? $"{r:F0} s ({r / randomTime:F2} of random's time)" : "never")}, its own best {Best(tpe.Trials, trials):P2} in {tpe.Trials.Sum(t => t.Seconds):F0} s"));
            foreach (var run in all)
            {
                output.WriteLine(FormattableString.Invariant(
                    $"  {run.Label,-22} best after 10 / 20 / {trials}: {Best(run.Trials, 10):P2} / {Best(run.Trials, 20):P2} / {Best(run.Trials, trials):P2}; trials to reach random's best: {TrialsToReach(run.Trials, target)?.ToString(CultureInfo.InvariantCulture) ?? "never"}; time {run.Trials.Sum(t => t.Seconds):F0} s"));
            }
        }
        File.WriteAllBytes(Path.Combine(folder, "curves.png"), Curves(runs));
        output.WriteLine($"curves: {Path.Combine(folder, "curves.png")}");
    }

    /// <summary>The searched dims the trainer's record declares, read from the program's generated <c>Options</c>.</summary>
    private static IReadOnlyList<SearchDimension> Space(string program)
    {
        var assembly = Assembly.LoadFrom(program);
        var options = (System.Collections.IEnumerable)assembly.GetType("FashionMnist.MlpConfig", throwOnError: true)!.GetProperty("Options")!.GetValue(null)!;
        return options.Cast<HyperParameters.HyperParameterInfo>().Where(o => o.Search is not null).Select(o => o.Search!).ToList();
    }

    private static SearchRun Sculpt(string program, string folder, string sampler, string pruner, int seed, int trials)
    {
        string output = Path.Combine(folder, $"{sampler}-{pruner}-{seed}");
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var lines = Start([program, "mlp", "search", "--trials", trials.ToString(CultureInfo.InvariantCulture), "--sampler", sampler, "--pruner", pruner,
            "--objective", "val-accuracy", "--search-seed", seed.ToString(CultureInfo.InvariantCulture), "--output", output, .. Fixed], "dotnet");
        var result = new List<(double?, double)>();
        foreach (var line in lines)
        {
            var match = TrialLine().Match(line);
            if (!match.Success) continue;
            double? value = match.Groups["state"].Value is "complete" or "pruned" ? double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) : null;
            double seconds = match.Groups["seconds"].Success ? double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture) : 0;
            result.Add((value, seconds));
        }
        return new SearchRun($"sculpt {sampler} + {pruner}", result);
    }

    private static SearchRun? Optuna(string program, string folder, string spaceFile, int seed, int trials)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "References", "optuna_trainer.py");
        string output = Path.Combine(folder, $"optuna-{seed}");
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        string results = Path.Combine(folder, $"optuna-{seed}.json");
        try
        {
            Start([script, spaceFile, results, output, seed.ToString(CultureInfo.InvariantCulture), trials.ToString(CultureInfo.InvariantCulture), "--",
                "dotnet", program, "mlp", .. Fixed], "/usr/bin/python3");
        }
        catch (InvalidOperationException problem)
        {
            Console.Error.WriteLine($"optuna: not compared ({problem.Message}); install Debian's python3-optuna");
            return null;
        }
        var trialsRun = JsonDocument.Parse(File.ReadAllText(results)).RootElement.EnumerateArray()
            .Select(t => (t.GetProperty("value").ValueKind == JsonValueKind.Null ? (double?)null : t.GetProperty("value").GetDouble(), t.GetProperty("seconds").GetDouble()))
            .ToList();
        return new SearchRun("optuna tpe (CLI)", trialsRun);
    }

    private static List<string> Start(string[] arguments, string file)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = new List<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.Add(e.Data); };
        process.BeginErrorReadLine();
        var lines = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            lines.Add(line);
            Console.Error.WriteLine(line);
        }
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(" ", arguments.Take(3))} exited {process.ExitCode}: {error.LastOrDefault()}");
        return lines;
    }

    private static double? Best(List<(double? Value, double Seconds)> trials, int count) =>
        trials.Take(count).Where(t => t.Value is not null).Select(t => t.Value!.Value).DefaultIfEmpty(double.NaN).Max() is var best && double.IsNaN(best) ? null : best;

    private static double? TimeToReach(List<(double? Value, double Seconds)> trials, double target)
    {
        double spent = 0;
        foreach (var (value, seconds) in trials)
        {
            spent += seconds;
            if (value >= target) return spent;
        }
        return null;
    }

    private static int? TrialsToReach(List<(double? Value, double Seconds)> trials, double target)
    {
        for (int i = 0; i < trials.Count; i++)
        {
            if (trials[i].Value >= target) return i + 1;
        }
        return null;
    }

    /// <summary>Best accuracy so far against training time, one line per search and seed, a colour per sampler.</summary>
    private static byte[] Curves(List<List<SearchRun>> runs)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var labels = runs.SelectMany(r => r.Select(x => x.Label)).Distinct().ToList();
        foreach (var seedRuns in runs)
        {
            foreach (var run in seedRuns)
            {
                var xs = new List<double>();
                var ys = new List<double>();
                double spent = 0, best = double.NaN;
                foreach (var (value, seconds) in run.Trials)
                {
                    spent += seconds;
                    if (value is { } v && (double.IsNaN(best) || v > best)) best = v;
                    if (double.IsNaN(best)) continue;
                    xs.Add(spent);
                    ys.Add(best * 100);
                }
                var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
                line.Color = palette.GetColor(labels.IndexOf(run.Label));
                line.LineWidth = 2;
                if (ReferenceEquals(seedRuns, runs[0])) line.LegendText = run.Label;
            }
        }
        plot.Title("Fashion-MNIST MLP, 2 epochs per trial: best validation accuracy so far");
        plot.XLabel("training time, s (Optuna's: each trial's whole process)");
        plot.YLabel("validation accuracy, %");
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        return plot.GetImageBytes(900, 560, ScottPlot.ImageFormat.Png);
    }

    [GeneratedRegex(@"^trial\s+\d+\s+(?<state>\w+)\s+(?<value>[-\d.eE+]+)?\s*(after \d+ epoch\(s\), (?<seconds>[\d.]+) s)?")]
    private static partial Regex TrialLine();
}
