using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.Distributed;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

/// <summary>
/// Data parallelism on one machine: a workload's Sculpt step with its whole batch in one process of 2 threads, against
/// the same global batch shared by 2 processes of 1 thread each (<c>mpiexec.mpich -n 2</c>), each taking half the rows
/// and summing the flat gradient with one allreduce per step. Reports the median step, samples per second, and the time
/// per step spent in collectives (the allreduce, and waiting there for the slower process) as a share of the step.
/// </summary>
public static class DistributedSteps
{
    /// <summary>One side, in this process (under mpiexec for 2 processes): prints "median_ms collective_ms_per_step allreduce_bytes".</summary>
    public static void RunSide(StepBenchmark workload, int steps, TextWriter output)
    {
        using var group = Environment.GetEnvironmentVariable("PMI_SIZE") is null ? ProcessGroup.Single : MpiProcessGroup.Join();
        var (trainer, step, input, target) = workload.SculptForGroup(threads: group.Size == 1 ? 2 : 1);
        if (group.Size > 1) trainer.GetType().GetMethod("Distribute")!.Invoke(trainer, [group, false]);
        var (start, length) = group.Shard.Of(input.size(0));
        using var ownInput = input.narrow(0, start, length);
        using var ownTarget = target.narrow(0, start, length);
        for (int i = 0; i < ProcessSteps.WarmUp; i++) step(ownInput, ownTarget).Dispose();
        var times = new double[steps];
        var clock = new Stopwatch();
        var before = group.CollectiveTime;
        for (int i = 0; i < steps; i++)
        {
            clock.Restart();
            step(ownInput, ownTarget).Dispose();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        double collective = (group.CollectiveTime - before).TotalMilliseconds / steps;
        Array.Sort(times);
        if (group.IsLeader) output.WriteLine(FormattableString.Invariant($"{times[steps / 2]:F4} {collective:F4}"));
        trainer.Dispose();
        input.Dispose();
        target.Dispose();
    }

    /// <summary>Alternates the two sides, <paramref name="rounds"/> of each per workload; the median over rounds with [min, max].</summary>
    public static void Run(IReadOnlyList<(StepBenchmark Workload, int Steps)> workloads, int rounds, TextWriter output)
    {
        output.WriteLine($"{"workload",-15} {"batch",5} {"1 x 2 threads ms",17} {"2 x 1 thread ms",16} {"ratio [min, max]",20} {"samples/s 1x2 / 2x1",21} {"allreduce ms",13} {"share of step",14}");
        foreach (var (workload, steps) in workloads)
        {
            string name = workload.GetType().Name;
            var alone = new List<double>();
            var shared = new List<double[]>();
            for (int round = 0; round < rounds; round++)
            {
                bool sharedFirst = round % 2 == 1;
                foreach (bool two in sharedFirst ? new[] { true, false } : new[] { false, true })
                {
                    var result = Launch(name, steps, two);
                    if (two) shared.Add(result);
                    else alone.Add(result[0]);
                }
            }
            var ratios = Enumerable.Range(0, rounds).Select(r => shared[r][0] / alone[r]).ToArray();
            double aloneMs = ProcessSteps.Median(alone), sharedMs = ProcessSteps.Median(shared.Select(s => s[0])), collective = ProcessSteps.Median(shared.Select(s => s[1]));
            string spread = FormattableString.Invariant($"{ProcessSteps.Median(ratios):F2} [{ratios.Min():F2}, {ratios.Max():F2}]");
            output.WriteLine(FormattableString.Invariant(
                $"{name,-15} {workload.Batch,5} {aloneMs,17:F3} {sharedMs,16:F3} {spread,20} {workload.Batch / aloneMs * 1000,10:F0} / {workload.Batch / sharedMs * 1000,-8:F0} {collective,13:F3} {100 * ProcessSteps.Median(shared.Select(s => s[1] / s[0])),13:F1}%"));
        }
    }

    /// <summary>
    /// In each process of an MPI job: the median time of one in-place float32 allreduce by message size, from 4 bytes to
    /// 64 MiB, and the least-squares fit time = latency + bytes / bandwidth that the scaling model in docs/distributed.md uses.
    /// </summary>
    public static void MeasureAllreduce(TextWriter output)
    {
        using var group = MpiProcessGroup.Join();
        global::Sculpt.Backend.ProcessSettings.ForTraining(1).Apply();
        if (group.IsLeader) output.WriteLine($"{"bytes",12} {"median us",10} {"GB/s",7}   ({group.Size} processes)");
        var points = new List<(double Bytes, double Seconds)>();
        for (long elements = 1; elements <= 16L << 20; elements *= 4)
        {
            using var buffer = ones(elements);
            int repeats = elements <= 1 << 16 ? 200 : 20;
            var times = new double[repeats];
            for (int i = 0; i < repeats + 5; i++)
            {
                var started = Stopwatch.GetTimestamp();
                group.SumInPlace(buffer);
                if (i >= 5) times[i - 5] = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
            Array.Sort(times);
            double median = times[repeats / 2], bytes = elements * 4.0;
            points.Add((bytes, median));
            if (group.IsLeader) output.WriteLine(FormattableString.Invariant($"{bytes,12:F0} {median * 1e6,10:F1} {bytes / median / 1e9,7:F2}"));
        }
        double meanX = points.Average(p => p.Bytes), meanY = points.Average(p => p.Seconds);
        double slope = points.Sum(p => (p.Bytes - meanX) * (p.Seconds - meanY)) / points.Sum(p => (p.Bytes - meanX) * (p.Bytes - meanX));
        double latency = points.Take(4).Select(p => p.Seconds).OrderBy(v => v).ElementAt(2);
        if (group.IsLeader) output.WriteLine(FormattableString.Invariant($"fit: latency {latency * 1e6:F1} us (median of the four smallest), {1 / slope / 1e9:F2} GB/s per byte of the buffer (least squares)"));
    }

    private static double[] Launch(string workload, int steps, bool twoProcesses)
    {
        string self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(twoProcesses ? "mpiexec.mpich" : self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (twoProcesses)
        {
            foreach (string argument in new[] { "-n", "2", self }) start.ArgumentList.Add(argument);
        }
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(DistributedSteps).Assembly.Location);
        foreach (string argument in new[] { "distributed-side", workload, steps.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        string text = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{workload} ({(twoProcesses ? "2 processes" : "1 process")}) exited with {process.ExitCode}: {errors}");
        return text.Trim().Split('\n')[^1].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }
}
