using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Sculpt.Benchmarks;

/// <summary>
/// How a training run shares a busy machine: an example program (the Quickstart by default) alone
/// on one thread, alone with the command line's defaults, then two copies side by side with the defaults
/// (a bounded spin of idle OpenMP threads), two with passive waits (<c>OMP_WAIT_POLICY=passive</c>, the
/// command line's choice before the bound), and two with spinning waits (<c>OMP_WAIT_POLICY=active</c>).
/// Each round runs them in turn; the claim is each side-by-side run's wall time over the one-thread time of its
/// round, and the default run alone against the passive one alone.
/// </summary>
public static class BusyMachine
{
    public static void Run(TextWriter output, int rounds, int epochs, string program)
    {
        output.WriteLine($"{Path.GetFileNameWithoutExtension(program)}, {epochs} epochs, {rounds} rounds; wall seconds, and side by side over alone on one thread");
        output.WriteLine($"{"round",5} {"alone, 1 thread",16} {"alone",6} {"alone, passive",15} {"2 side by side",15} {"ratio",6} {"2 passive",10} {"ratio",6} {"2 spinning",11} {"ratio",6}");
        var bounded = new List<double>();
        var passive = new List<double>();
        var spinning = new List<double>();
        var aloneRatios = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            double alone = Together(program, epochs, 1, ["--threads", "1"], null);
            double aloneDefault = Together(program, epochs, 1, [], null);
            double alonePassive = Together(program, epochs, 1, [], "passive");
            double side = Together(program, epochs, 2, [], null);
            double sidePassive = Together(program, epochs, 2, [], "passive");
            double spin = Together(program, epochs, 2, [], "active");
            bounded.Add(side / alone);
            passive.Add(sidePassive / alone);
            spinning.Add(spin / alone);
            aloneRatios.Add(aloneDefault / alonePassive);
            output.WriteLine(FormattableString.Invariant($"{round,5} {alone,16:F1} {aloneDefault,6:F1} {alonePassive,15:F1} {side,15:F1} {side / alone,6:F2} {sidePassive,10:F1} {sidePassive / alone,6:F2} {spin,11:F1} {spin / alone,6:F2}"));
        }
        output.WriteLine(FormattableString.Invariant(
            $"side by side over alone on one thread: median {Summary(bounded)} with the default spin bound; {Summary(passive)} passive; {Summary(spinning)} spinning. Alone, default over passive: {Summary(aloneRatios)}"));
    }

    private static string Summary(List<double> ratios)
    {
        var sorted = ratios.Order().ToList();
        return FormattableString.Invariant($"{sorted[sorted.Count / 2]:F2} ({sorted[0]:F2}-{sorted[^1]:F2})");
    }

    /// <summary>The slowest wall time of <paramref name="copies"/> processes started together.</summary>
    private static double Together(string program, int epochs, int copies, string[] extra, string? waitPolicy)
    {
        var folders = Enumerable.Range(0, copies).Select(_ => Directory.CreateTempSubdirectory("sculpt-busy-").FullName).ToList();
        try
        {
            var clock = Stopwatch.StartNew();
            var processes = folders.Select(folder =>
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (string argument in new[] { program, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--output", folder }.Concat(extra)) start.ArgumentList.Add(argument);
                // The defaults are the command line's own choice, not one inherited from this shell.
                start.Environment.Remove("OMP_WAIT_POLICY");
                start.Environment.Remove("GOMP_SPINCOUNT");
                if (waitPolicy is not null) start.Environment["OMP_WAIT_POLICY"] = waitPolicy;
                var process = Process.Start(start)!;
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                return process;
            }).ToList();
            var times = processes.Select(p =>
            {
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException($"{program} exited {p.ExitCode}");
                double seconds = clock.Elapsed.TotalSeconds;
                p.Dispose();
                return seconds;
            }).ToList();
            return times.Max();
        }
        finally
        {
            foreach (string folder in folders) Directory.Delete(folder, recursive: true);
        }
    }
}
