using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Sculpt.Benchmarks;

/// <summary>
/// How a training run shares a busy machine: an example program (the Quickstart by default) alone
/// on one thread, then two copies side by side with the command line's defaults, then two side by
/// side with OpenMP's spinning waits forced back on (<c>OMP_WAIT_POLICY=active</c>, what the
/// defaults were before the command line chose passive waits). Each round runs the three in turn;
/// the claim is each side-by-side run's wall time over the one-thread time of its round.
/// </summary>
public static class BusyMachine
{
    public static void Run(TextWriter output, int rounds, int epochs, string program)
    {
        output.WriteLine($"{Path.GetFileNameWithoutExtension(program)}, {epochs} epochs, {rounds} rounds; wall seconds, and side by side over alone on one thread");
        output.WriteLine($"{"round",5} {"alone, 1 thread",16} {"2 side by side",15} {"ratio",6} {"2 spinning",11} {"ratio",6}");
        var passive = new List<double>();
        var spinning = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            double alone = Together(program, epochs, 1, ["--threads", "1"], null);
            double side = Together(program, epochs, 2, [], null);
            double spin = Together(program, epochs, 2, [], "active");
            passive.Add(side / alone);
            spinning.Add(spin / alone);
            output.WriteLine(FormattableString.Invariant($"{round,5} {alone,16:F1} {side,15:F1} {side / alone,6:F2} {spin,11:F1} {spin / alone,6:F2}"));
        }
        passive.Sort();
        spinning.Sort();
        output.WriteLine(FormattableString.Invariant($"side by side over alone on one thread: median {passive[passive.Count / 2]:F2} (range {passive[0]:F2}-{passive[^1]:F2}); with spinning waits {spinning[spinning.Count / 2]:F2} ({spinning[0]:F2}-{spinning[^1]:F2})"));
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
