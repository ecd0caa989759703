using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Sculpt.Search;

namespace Sculpt.Benchmarks;

/// <summary>
/// Sculpt's samplers on synthetic objectives (Branin, Hartmann-6, Styblinski-Tang in 10 dims), side by side with Optuna's
/// TPE sampler on the same ones (References/optuna_samplers.py, Debian's python3-optuna): the median over seeds of the
/// best value after 20, 50 and 100 trials, and each sampler's own time per trial.
/// </summary>
internal static class SamplerBenchmark
{
    private static readonly double[][] HartmannA = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
    private static readonly double[][] HartmannP = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]];
    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];

    private static double Branin(double[] x)
    {
        double a = x[1] - 5.1 / (4 * Math.PI * Math.PI) * x[0] * x[0] + 5 / Math.PI * x[0] - 6;
        return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.Cos(x[0]) + 10;
    }

    private static double Hartmann6(double[] x)
    {
        double total = 0;
        for (int i = 0; i < 4; i++)
        {
            double inner = 0;
            for (int j = 0; j < 6; j++) inner += HartmannA[i][j] * Math.Pow(x[j] - HartmannP[i][j] * 1e-4, 2);
            total -= HartmannAlpha[i] * Math.Exp(-inner);
        }
        return total;
    }

    private static double StyblinskiTang(double[] x) => x.Sum(v => Math.Pow(v, 4) - 16 * v * v + 5 * v) / 2;

    private static readonly (string Name, Func<double[], double> Function, (double Low, double High)[] Bounds, double Minimum)[] Objectives =
    [
        ("branin", Branin, [(-5, 10), (0, 15)], 0.397887),
        ("hartmann6", Hartmann6, Enumerable.Repeat((0.0, 1.0), 6).ToArray(), -3.32237),
        ("styblinski_tang10", StyblinskiTang, Enumerable.Repeat((-5.0, 5.0), 10).ToArray(), -391.6617),
    ];

    private static readonly int[] Checkpoints = [20, 50, 100];

    public static void Run(TextWriter output, int seeds)
    {
        var optuna = Optuna(seeds, output);
        output.WriteLine($"median over {seeds} seeds of the best value after 20 / 50 / 100 trials (lower is better); sampler time per trial");
        foreach (var (name, function, bounds, minimum) in Objectives)
        {
            output.WriteLine($"{name} (minimum {minimum}):");
            foreach (var (label, make) in new (string, Func<int, ISampler>)[] { ("sculpt tpe", s => new TpeSampler(s)), ("sculpt tpe 1d", s => new TpeSampler(s, multivariate: false)), ("sculpt gp", s => new GaussianProcessSampler(s)), ("sculpt random", s => new RandomSampler(s)) })
            {
                var (bests, milliseconds) = Measure(function, bounds, make, seeds);
                output.WriteLine($"  {label,-15} {string.Join(" / ", Checkpoints.Select(c => bests[c].ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}   {milliseconds:F2} ms");
            }
            if (optuna?.TryGetProperty(name, out var reference) == true)
            {
                output.WriteLine($"  {"optuna tpe",-15} {string.Join(" / ", Checkpoints.Select(c => reference.GetProperty(c.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetDouble().ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}   {reference.GetProperty("ms_per_trial").GetDouble():F2} ms");
            }
        }
    }

    private static (Dictionary<int, double> Bests, double Milliseconds) Measure(Func<double[], double> function, (double Low, double High)[] bounds, Func<int, ISampler> make, int seeds)
    {
        var space = bounds.Select((b, i) => SearchDimension.Range($"--x{i}", b.Low, b.High)).ToArray();
        var bests = Checkpoints.ToDictionary(c => c, _ => new List<double>());
        var times = new List<double>();
        for (int seed = 0; seed < seeds; seed++)
        {
            var sampler = make(seed);
            var history = new List<Trial>();
            var clock = new Stopwatch();
            double best = double.PositiveInfinity;
            for (int n = 1; n <= Checkpoints[^1]; n++)
            {
                clock.Start();
                var point = sampler.Next(space, history, n, v => v)!;
                clock.Stop();
                double value = function(space.Select(d => d.Numeric(point[d.Flag])).ToArray());
                best = Math.Min(best, value);
                history.Add(new Trial(n, point, TrialState.Complete, value, null, new Dictionary<int, double>()));
                if (bests.TryGetValue(n, out var at)) at.Add(best);
            }
            times.Add(clock.Elapsed.TotalMilliseconds / Checkpoints[^1]);
        }
        return (bests.ToDictionary(p => p.Key, p => Median(p.Value)), Median(times));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Optuna's numbers from the reference script, or null (with a note) when python3-optuna is not installed.</summary>
    private static JsonElement? Optuna(int seeds, TextWriter output)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "References", "optuna_samplers.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(seeds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var process = Process.Start(start)!;
            string text = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                output.WriteLine("optuna: not compared (" + error.Trim().Split('\n')[^1] + "); install Debian's python3-optuna");
                return null;
            }
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            output.WriteLine("optuna: not compared (/usr/bin/python3 is missing)");
            return null;
        }
    }
}
