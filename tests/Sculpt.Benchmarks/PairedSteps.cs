using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Sculpt.Benchmarks;

/// <summary>
/// The step benchmarks run as interleaved pairs (idiomatic step, Sculpt step, idiomatic, ...) in one
/// process. On a shared machine whose speed drifts by 2-3x over a minute, BenchmarkDotNet's
/// one-case-after-another timings can flip a comparison; the median of per-pair ratios cannot.
/// </summary>
public static class PairedSteps
{
    public static void Run(IReadOnlyList<StepBenchmark> workloads, int pairs, TextWriter output)
    {
        output.WriteLine($"{"workload",-14} {"idiomatic ms",12} {"Sculpt ms",10} {"ratio",7}   (medians of {pairs} interleaved pairs, 2 threads)");
        foreach (var workload in workloads)
        {
            workload.Setup();
            try
            {
                // As many warm-up steps as a process of its own takes (ProcessSteps.WarmUp).
                for (int i = 0; i < ProcessSteps.WarmUp; i++)
                {
                    workload.HandWritten();
                    workload.Sculpt();
                }
                var (hand, sculpt, ratio) = Paired.Measure(workload.HandWritten, workload.Sculpt, pairs);
                output.WriteLine($"{workload.GetType().Name,-14} {hand,12:F3} {sculpt,10:F3} {ratio,7:F2}");
            }
            finally
            {
                workload.Cleanup();
            }
        }
    }

}

/// <summary>Interleaved timing of two actions: the medians of each and of the per-pair ratios (candidate / baseline).</summary>
public static class Paired
{
    public static (double Baseline, double Candidate, double Ratio) Measure(Action baseline, Action candidate, int pairs)
    {
        var first = new double[pairs];
        var second = new double[pairs];
        var clock = new Stopwatch();
        for (int i = 0; i < pairs; i++)
        {
            clock.Restart();
            baseline();
            first[i] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            candidate();
            second[i] = clock.Elapsed.TotalMilliseconds;
        }
        return (Median(first), Median(second), Median(second.Zip(first, (c, b) => c / b)));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }
}
