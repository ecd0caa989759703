using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Sculpt.Training;

namespace Sculpt.Benchmarks;

/// <summary>
/// The step benchmarks with each side in a process of its own, launched alternately: what one
/// process does to its memory allocator (Sculpt tunes glibc's at start-up; idiomatic TorchSharp
/// does not) stays with that side, and each side's resident memory can be measured: after
/// warm-up, after every step and at its peak. A side's time is the median of its steps; the ratio
/// is the median over rounds of the ratio of the two sides' medians.
/// </summary>
public static class ProcessSteps
{
    internal const int WarmUp = 50;

    /// <summary>Runs one side for <paramref name="steps"/> steps and prints "median_ms rss_at_quarter_mib rss_end_mib peak_mib".</summary>
    public static void RunSide(StepBenchmark workload, bool sculpt, int steps, TextWriter output)
    {
        if (sculpt) workload.SetupSculpt();
        else workload.SetupHandWritten();
        Action step = sculpt ? workload.Sculpt : workload.HandWritten;
        for (int i = 0; i < WarmUp; i++) step();
        long warm = 0;
        var times = new double[steps];
        var clock = new Stopwatch();
        for (int i = 0; i < steps; i++)
        {
            // Growth is measured from a quarter of the way, once allocator caches have filled.
            if (i == steps / 4) warm = PeakMemory.Resident(Environment.ProcessId) ?? 0;
            clock.Restart();
            step();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        long end = PeakMemory.Resident(Environment.ProcessId) ?? 0;
        Array.Sort(times);
        output.WriteLine(FormattableString.Invariant($"{times[steps / 2]:F4} {warm / 1048576.0:F1} {end / 1048576.0:F1} {PeakMemory.ResidentBytes() / 1048576.0:F1}"));
        workload.Cleanup();
    }

    /// <summary>
    /// Alternates processes of the two sides, <paramref name="rounds"/> of each per workload, and measures the machine's
    /// matrix-product peak (<see cref="MatmulPeak"/>) before each round, so that a step's FLOP rate is a share of what
    /// the machine did at the time. Ratios are reported as the median over rounds with their [min, max].
    /// </summary>
    public static void Run(IReadOnlyList<(StepBenchmark Workload, int Steps)> workloads, int rounds, TextWriter output)
    {
        output.WriteLine($"{"workload",-15} {"steps",6} {"idiomatic ms",12} {"Sculpt ms",10} {"ratio [min, max]",20} {"% of peak (idiomatic / Sculpt)",31} {"RSS growth MiB (idiomatic / Sculpt)",36} {"peak RSS MiB (idiomatic / Sculpt)",34}");
        var peaks = new List<double>();
        foreach (var (workload, steps) in workloads)
        {
            string name = workload.GetType().Name;
            var hand = new List<double[]>();
            var sculpt = new List<double[]>();
            var shares = new List<(double Hand, double Sculpt)>();
            for (int round = 0; round < rounds; round++)
            {
                double peak = MatmulPeak.GflopsPerSecond();
                peaks.Add(peak);
                // Alternate which side goes first, so a drift in machine speed favours neither.
                bool sculptFirst = round % 2 == 1;
                foreach (bool side in sculptFirst ? new[] { true, false } : new[] { false, true })
                {
                    (side ? sculpt : hand).Add(Launch(name, side, steps));
                }
                double Share(double ms) => workload.StepFlops / (ms / 1000) / 1e9 / peak * 100;
                shares.Add((Share(hand[^1][0]), Share(sculpt[^1][0])));
            }
            var ratios = Enumerable.Range(0, rounds).Select(r => sculpt[r][0] / hand[r][0]).ToArray();
            string spread = FormattableString.Invariant($"{Median(ratios):F2} [{ratios.Min():F2}, {ratios.Max():F2}]");
            output.WriteLine(FormattableString.Invariant(
                $"{name,-15} {steps,6} {Median(hand.Select(h => h[0])),12:F3} {Median(sculpt.Select(s => s[0])),10:F3} {spread,20} {Median(shares.Select(s => s.Hand)),14:F1} / {Median(shares.Select(s => s.Sculpt)),-14:F1} {Median(hand.Select(h => h[2] - h[1])),17:F1} / {Median(sculpt.Select(s => s[2] - s[1])),-16:F1} {Median(hand.Select(h => h[3])),15:F0} / {Median(sculpt.Select(s => s[3])),-15:F0}"));
        }
        output.WriteLine(FormattableString.Invariant($"float32 matmul peak (1024^3, 2 threads): median {Median(peaks):F1} GFLOP/s [{peaks.Min():F1}, {peaks.Max():F1}] over {peaks.Count} measurements"));
    }

    private static double[] Launch(string workload, bool sculpt, int steps)
    {
        string self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Under `dotnet Sculpt.Benchmarks.dll` the process is dotnet itself, which needs the assembly.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(ProcessSteps).Assembly.Location);
        foreach (string argument in new[] { "side", workload, sculpt ? "sculpt" : "idiomatic", steps.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        string text = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{workload} ({(sculpt ? "Sculpt" : "idiomatic")}) exited with {process.ExitCode}: {errors}");
        return text.Trim().Split('\n')[^1].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }
}
