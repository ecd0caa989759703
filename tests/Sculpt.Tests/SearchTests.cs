using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Sculpt.Search;
using Sculpt.Training;
using Xunit;

namespace Sculpt.Tests;

/// <summary>Hyperparameter search: samplers, pruners, the study file and the generated command line's <c>search</c> mode.</summary>
public class SearchTests
{
    private static readonly SearchDimension[] Space =
    [
        SearchDimension.Range("--learning-rate", 1e-4, 1e-1, log: true),
        SearchDimension.Range("--hidden", 16, 256, step: 16, integer: true),
        SearchDimension.Choice("--activation", "Relu", "Gelu"),
    ];

    private static string TemporaryStudy() => Path.Combine(Path.GetTempPath(), $"sculpt-study-{Guid.NewGuid():N}.db");

    [Fact]
    public void A_seed_gives_the_same_configurations_and_every_value_is_legal()
    {
        static List<string> Draw(int seed) => Enumerable.Range(1, 30)
            .Select(n => GridSampler.Key(new RandomSampler(seed).Next(Space, [], n, v => v)!)).ToList();
        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
        // The same in every process and on every machine: pinned, so a change of generator shows.
        Assert.Equal("--activation=Relu\n--hidden=240\n--learning-rate=0.0005896", Draw(7)[0]);
        var sampler = new RandomSampler(3);
        for (int n = 1; n <= 200; n++)
        {
            var point = sampler.Next(Space, [], n, v => v)!;
            double rate = double.Parse(point["--learning-rate"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(rate, 1e-4, 1e-1);
            int hidden = int.Parse(point["--hidden"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(hidden, 16, 256);
            Assert.Equal(0, hidden % 16);
            Assert.Contains(point["--activation"], new[] { "Relu", "Gelu" });
        }
    }

    [Fact]
    public void A_log_range_spreads_its_draws_over_every_decade()
    {
        var sampler = new RandomSampler(1);
        var decades = Enumerable.Range(1, 3000).Select(n => (int)Math.Floor(Math.Log10(double.Parse(sampler.Next(Space, [], n, v => v)!["--learning-rate"], System.Globalization.CultureInfo.InvariantCulture))))
            .GroupBy(d => d).ToDictionary(g => g.Key, g => g.Count());
        // Three decades of 1e-4..1e-1, about a thousand draws each.
        Assert.Equal(new[] { -4, -3, -2 }, decades.Keys.Order().ToArray());
        Assert.All(decades.Values, count => Assert.InRange(count, 850, 1150));
    }

    [Fact]
    public void Two_workers_sharing_a_study_take_every_grid_point_once()
    {
        string path = TemporaryStudy();
        var space = new[] { SearchDimension.Choice("--a", "1", "2", "3", "4"), SearchDimension.Range("--b", 0, 1) };
        try
        {
            using (Study.Open(path, space, "val-loss", maximize: false)) { }
            var taken = new System.Collections.Concurrent.ConcurrentBag<string>();
            Parallel.For(0, 2, _ =>
            {
                using var study = Study.Open(path, space, "val-loss", maximize: false);
                while (study.Ask(new GridSampler()) is { } trial)
                {
                    taken.Add(GridSampler.Key(trial.Parameters));
                    study.Finish(trial.Number, TrialState.Complete, 1.0, null);
                }
            });
            // 4 choices x 5 points of the range: each once, none twice.
            Assert.Equal(20, taken.Count);
            Assert.Equal(20, taken.Distinct().Count());
            using var reopened = Study.Open(path, space, "val-loss", maximize: false);
            Assert.Equal(Enumerable.Range(1, 20), reopened.Trials().Select(t => t.Number));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_study_keeps_its_trials_and_refuses_another_space()
    {
        string path = TemporaryStudy();
        try
        {
            using (var study = Study.Open(path, Space, "val-accuracy", maximize: true))
            {
                var trial = study.Ask(new RandomSampler(0))!;
                study.Report(trial.Number, 1, 0.5);
                study.Report(trial.Number, 2, 0.75);
                study.Finish(trial.Number, TrialState.Complete, 0.75, null);
                Assert.Equal(-0.75, study.ToLoss(0.75));
            }
            using (var again = Study.Open(path, Space, "val-accuracy", maximize: true))
            {
                var kept = Assert.Single(again.Trials());
                Assert.Equal(TrialState.Complete, kept.State);
                Assert.Equal(0.75, kept.Value);
                Assert.Equal(new Dictionary<int, double> { [1] = 0.5, [2] = 0.75 }, kept.Reports);
            }
            var problem = Assert.Throws<StudyMismatchException>(() => Study.Open(path, Space[..2], "val-accuracy", maximize: true));
            Assert.Contains("name another --study file", problem.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Branin's function: three global minima of 0.397887 in [-5, 10] x [0, 15].</summary>
    private static double Branin(double x, double y)
    {
        double a = y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6;
        return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.Cos(x) + 10;
    }

    private static double BestOnBranin(ISampler sampler, int trials)
    {
        var space = new[] { SearchDimension.Range("--x", -5, 10), SearchDimension.Range("--y", 0, 15) };
        var history = new List<Trial>();
        for (int n = 1; n <= trials; n++)
        {
            var point = sampler.Next(space, history, n, v => v)!;
            double value = Branin(space[0].Numeric(point["--x"]), space[1].Numeric(point["--y"]));
            history.Add(new Trial(n, point, TrialState.Complete, value, null, new Dictionary<int, double>()));
        }
        return history.Min(t => t.Value!.Value);
    }

    [Fact]
    public void Tpe_finds_a_lower_branin_value_than_random_search_with_the_same_budget()
    {
        // The median over 31 seeds of the best value after 100 trials: TPE's against random search's (seeded, so the same everywhere).
        double Median(IEnumerable<double> values) => values.Order().ElementAt(15);
        double tpe = Median(Enumerable.Range(0, 31).Select(seed => BestOnBranin(new TpeSampler(seed), 100)));
        double random = Median(Enumerable.Range(0, 31).Select(seed => BestOnBranin(new RandomSampler(seed), 100)));
        Console.WriteLine($"Branin, 100 trials, median best of 31 seeds: TPE {tpe:F4}, random {random:F4} (minimum 0.3979)");
        Assert.True(tpe < 0.8 * random, $"TPE {tpe} is not well below random {random}");
        Assert.InRange(tpe, 0.3978, 0.5);
    }

    [Fact]
    public void The_gaussian_process_sampler_finds_a_lower_branin_value_than_random_search_and_repeats_itself()
    {
        // The median over 11 seeds of the best value after 40 trials (10 of them random).
        double Median(IEnumerable<double> values) => values.Order().ElementAt(5);
        double gp = Median(Enumerable.Range(0, 11).Select(seed => BestOnBranin(new GaussianProcessSampler(seed), 40)));
        double random = Median(Enumerable.Range(0, 11).Select(seed => BestOnBranin(new RandomSampler(seed), 40)));
        Console.WriteLine($"Branin, 40 trials, median best of 11 seeds: GP {gp:F4}, random {random:F4} (minimum 0.3979)");
        Assert.True(gp < 0.8 * random, $"GP {gp} is not well below random {random}");
        Assert.Equal(BestOnBranin(new GaussianProcessSampler(3), 25), BestOnBranin(new GaussianProcessSampler(3), 25));
    }

    [Fact]
    public void A_conditional_hyperparameter_is_searched_only_where_its_condition_holds()
    {
        var space = new[]
        {
            SearchDimension.Range("--momentum", 0.5, 0.99).When("--optimizer", "Sgd"),
            SearchDimension.Choice("--optimizer", "AdamW", "Sgd"),
            SearchDimension.Range("--learning-rate", 1e-4, 1e-1, log: true),
        };
        // The grid: AdamW with 5 rates, SGD with 5 rates x 5 momenta; momentum never named for AdamW.
        var grid = GridSampler.Points(space).ToList();
        Assert.Equal(5 + 25, grid.Count);
        Assert.All(grid, p => Assert.Equal(p["--optimizer"] == "Sgd", p.ContainsKey("--momentum")));
        foreach (ISampler sampler in new ISampler[] { new RandomSampler(1), new TpeSampler(1), new GaussianProcessSampler(1) })
        {
            var history = new List<Trial>();
            for (int n = 1; n <= 30; n++)
            {
                var point = sampler.Next(space, history, n, v => v)!;
                Assert.Equal(point["--optimizer"] == "Sgd", point.ContainsKey("--momentum"));
                double value = space[2].Numeric(point["--learning-rate"]) + (point.TryGetValue("--momentum", out var m) ? 1 - space[0].Numeric(m) : 0.5);
                history.Add(new Trial(n, point, TrialState.Complete, value, null, new Dictionary<int, double>()));
            }
            Assert.Contains(history, t => t.Parameters.ContainsKey("--momentum"));
            Assert.Contains(history, t => !t.Parameters.ContainsKey("--momentum"));
        }
    }

    [Fact]
    public void Importance_goes_to_the_hyperparameter_the_objective_depends_on()
    {
        var space = new[] { SearchDimension.Range("--x", 0, 1), SearchDimension.Choice("--kind", "a", "b"), SearchDimension.Range("--noise", 0, 1) };
        var sampler = new RandomSampler(5);
        var trials = Enumerable.Range(1, 80).Select(n =>
        {
            var point = sampler.Next(space, [], n, v => v)!;
            double x = space[0].Numeric(point["--x"]);
            double value = 3 * x * x + (point["--kind"] == "b" ? 1.0 : 0);
            return new Trial(n, point, TrialState.Complete, value, null, new Dictionary<int, double>());
        }).ToList();
        var shares = SearchReport.Importance(space, trials);
        Assert.Equal("--x", shares[0].Flag);
        Assert.InRange(shares[0].Share, 0.5, 0.9); // variances: about 0.8 from x, 0.25 from the kind, none from the noise
        Assert.Equal(["--x", "--kind", "--noise"], shares.Select(s => s.Flag));
        Assert.InRange(shares.Sum(s => s.Share), 0.999, 1.001);
        var best = SearchReport.BestSoFar(trials, v => v);
        Assert.Equal(trials.Min(t => t.Value!.Value), best[^1].Best);
        Assert.True(best.Zip(best.Skip(1)).All(p => p.Second.Best <= p.First.Best));
    }

    [Fact]
    public void The_median_pruner_stops_a_trial_worse_than_the_others_at_the_same_epoch()
    {
        var history = Enumerable.Range(1, 5)
            .Select(n => new Trial(n, new Dictionary<string, string>(), TrialState.Complete, 0.5, null, new Dictionary<int, double> { [1] = 1.0, [2] = 0.6 + 0.01 * n }))
            .ToList();
        var pruner = new MedianPruner(startupTrials: 5, warmupEpochs: 1);
        Assert.False(pruner.Prune(6, 1, 9.0, history, v => v)); // the warm-up epoch is never judged
        Assert.True(pruner.Prune(6, 2, 0.9, history, v => v));
        Assert.False(pruner.Prune(6, 2, 0.6, history, v => v));
        Assert.False(new MedianPruner(startupTrials: 6).Prune(6, 2, 0.9, history, v => v)); // too few finished trials yet
    }

    [Fact]
    public void Search_trains_valid_configurations_refuses_invalid_ones_unbuilt_and_continues_its_study()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-search-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = Search("--trials", "6", "--sampler", "grid", "--pruner", "none", "--output", folder, "--threads", "1");
            Assert.True(code == ExitCodes.Success, error);
            Assert.Contains("--learning-rate in [0.001, 0.1] log", output);
            using (var study = Study.Open(Path.Combine(folder, "study.db"), StudySpace(), "val-loss", maximize: false))
            {
                var trials = study.Trials();
                Assert.Equal(6, trials.Count);
                // Only equal widths fit the model: the others are invalid, with the shape check's reason, and never built.
                foreach (var trial in trials)
                {
                    bool fits = trial.Parameters["--hidden"] == trial.Parameters["--hidden2"];
                    string trialFolder = Path.Combine(folder, $"trial-{trial.Number:D4}");
                    Assert.Equal(fits ? TrialState.Complete : TrialState.Invalid, trial.State);
                    Assert.Equal(fits, Directory.Exists(trialFolder));
                    if (fits)
                    {
                        Assert.True(File.Exists(Path.Combine(trialFolder, "epochs.csv")));
                        Assert.Equal(2, trial.Reports.Count);
                    }
                    else Assert.Contains("'Classify' expects [*batch, Hidden2] but receives [B, Hidden]", trial.Reason);
                }
                Assert.Contains(trials, t => t.State == TrialState.Invalid);
                Assert.Contains(trials, t => t.State == TrialState.Complete);
            }
            // best-config.json reads back as the trainer's --config.
            var best = SearchedWidthsConfig.FromJson(File.ReadAllText(Path.Combine(folder, "best-config.json")), "best-config.json");
            Assert.Equal(best.Hidden, best.Hidden2);
            Assert.Contains("| invalid |", File.ReadAllText(Path.Combine(folder, "search.md")));
            Assert.True(new FileInfo(Path.Combine(folder, "history.png")).Length > 1000);
            Assert.True(new FileInfo(Path.Combine(folder, "parallel.png")).Length > 1000);

            // The same command continues the study: the grid's other 14 points, none repeated, then it says it is done.
            (code, output, error) = Search("--trials", "50", "--sampler", "grid", "--pruner", "none", "--output", folder, "--threads", "1");
            Assert.True(code == ExitCodes.Success, error);
            Assert.Contains("the grid is done", output);
            using var continued = Study.Open(Path.Combine(folder, "study.db"), StudySpace(), "val-loss", maximize: false);
            var all = continued.Trials();
            Assert.Equal(20, all.Count);
            Assert.Equal(20, all.Select(t => GridSampler.Key(t.Parameters)).Distinct().Count());
            // Exactly the unequal widths are invalid.
            Assert.All(all, t => Assert.Equal(t.Parameters["--hidden"] != t.Parameters["--hidden2"], t.State == TrialState.Invalid));
            // With enough complete trials, the importance of each hyperparameter is drawn too.
            Assert.True(new FileInfo(Path.Combine(folder, "importance.png")).Length > 1000);
            Assert.Contains("![importance](importance.png)", File.ReadAllText(Path.Combine(folder, "search.md")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Parallel_workers_share_the_trials_and_take_each_grid_point_once()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-search-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = TrainerProcess.Run(Path.GetTempPath(),
                "--searched", "search", "--parallel", "2", "--trials", "20", "--sampler", "grid", "--pruner", "none", "--output", folder);
            Assert.True(code == ExitCodes.Success, output + error);
            // Both processes ran trials: the second one's lines carry its number.
            Assert.Contains("[worker 2] trial", output);
            Assert.Matches(@"(?m)^trial ", output);
            using var study = Study.Open(Path.Combine(folder, "study.db"), StudySpace(), "val-loss", maximize: false);
            var trials = study.Trials();
            Assert.Equal(20, trials.Count);
            Assert.Equal(20, trials.Select(t => GridSampler.Key(t.Parameters)).Distinct().Count());
            Assert.DoesNotContain(trials, t => t.State is TrialState.Running or TrialState.Failed or TrialState.Interrupted);
            Assert.True(File.Exists(Path.Combine(folder, "search.md")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_killed_search_loses_no_finished_trial_and_the_next_run_retries_the_one_it_was_running()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-search-{Guid.NewGuid():N}");
        try
        {
            string[] command = ["--searched", "search", "--trials", "20", "--sampler", "grid", "--pruner", "none", "--output", folder, "--epochs", "200"];
            using (var running = TrainerProcess.Start(Path.GetTempPath(), command))
            {
                // Two trials trained, then killed once the fifth has its folder: it is claimed and training (for 200 epochs).
                int completed = 0;
                Assert.True(running.WaitForLine(l => l.Contains(" complete ") && ++completed == 2, TimeSpan.FromMinutes(2)), running.Output + running.Error);
                var deadline = System.Diagnostics.Stopwatch.StartNew();
                while (!File.Exists(Path.Combine(folder, "trial-0005", "config.json")) && deadline.Elapsed < TimeSpan.FromMinutes(1)) System.Threading.Thread.Sleep(10);
                running.Kill();
            }
            List<Trial> before;
            using (var study = Study.Open(Path.Combine(folder, "study.db"), StudySpace(), "val-loss", maximize: false)) before = study.Trials().ToList();
            var finished = before.Where(t => t.State is TrialState.Complete or TrialState.Invalid).ToList();
            Assert.True(finished.Count(t => t.State == TrialState.Complete) >= 2);
            var orphan = Assert.Single(before, t => t.State == TrialState.Running);

            var (code, output, error) = TrainerProcess.Run(Path.GetTempPath(), [.. command[..^2], "--epochs", "1", "--trials", "1"]);
            Assert.True(code == ExitCodes.Success, output + error);
            Assert.Contains("1 trial(s) of an ended search marked interrupted", output);
            using var after = Study.Open(Path.Combine(folder, "study.db"), StudySpace(), "val-loss", maximize: false);
            var trials = after.Trials();
            // Every finished trial is as it was; the orphan is interrupted and its grid point is the one tried next.
            foreach (var kept in finished) Assert.Equal(kept.Value, trials.Single(t => t.Number == kept.Number).Value);
            Assert.Equal(TrialState.Interrupted, trials.Single(t => t.Number == orphan.Number).State);
            Assert.Equal(GridSampler.Key(orphan.Parameters), GridSampler.Key(trials[^1].Parameters));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_search_driven_from_code_gives_the_same_trials_as_the_command_line()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sculpt-search-{Guid.NewGuid():N}");
        string other = folder + "-cli";
        try
        {
            var trials = HyperParameterSearch.Run<SearchedWidthsTrainer, SearchedWidths, Blobs, SearchedWidthsConfig>(
                static (config, device) => new SearchedWidthsTrainer(config, device),
                new SearchSettings { Trials = 6, Sampler = "random", Pruner = "none", Seed = 4, Folder = folder });
            Assert.Equal(6, trials.Count);
            Assert.All(trials, t => Assert.Equal(t.Parameters["--hidden"] == t.Parameters["--hidden2"] ? TrialState.Complete : TrialState.Invalid, t.State));
            Assert.True(File.Exists(Path.Combine(folder, "search.md")));

            // The command line with the same settings draws the same configurations.
            var (code, _, error) = Search("--trials", "6", "--sampler", "random", "--pruner", "none", "--search-seed", "4", "--output", other, "--threads", "1");
            Assert.True(code == ExitCodes.Success, error);
            using var study = Study.Open(Path.Combine(other, "study.db"), StudySpace(), "val-loss", maximize: false);
            Assert.Equal(trials.Select(t => GridSampler.Key(t.Parameters)), study.Trials().Select(t => GridSampler.Key(t.Parameters)));
        }
        finally
        {
            foreach (var path in new[] { folder, other }) if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public void Search_of_a_record_without_searched_hyperparameters_is_a_usage_error()
    {
        var (code, _, error) = CommandLineTests.Run("search", "--trials", "2");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: search: no hyperparameter of MlpConfig is searched; declare [SearchRange] or [SearchChoice] on one (docs/search.md).", error.Trim());
    }

    private static IReadOnlyList<SearchDimension> StudySpace() =>
        SearchedWidthsConfig.Options.Where(o => o.Search is not null).Select(o => o.Search!).ToList();

    private static (int Code, string Output, string Error) Search(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainerCommandLine.Run<SearchedWidthsTrainer, SearchedWidths, Blobs, SearchedWidthsConfig>(
            "SearchedWidthsTrainer", ["search", .. args], static (config, device) => new SearchedWidthsTrainer(config, device), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
