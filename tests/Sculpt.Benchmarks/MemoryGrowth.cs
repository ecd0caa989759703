using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Sculpt.Benchmarks;

/// <summary>
/// Resident memory over a long run of a real trainer: runs an example program (the Quickstart by
/// default) as a process of its own for enough epochs to pass 10,000 steps, reads its resident set
/// (<c>VmRSS</c>) each time it prints an epoch's line, and reports the growth per 1,000 steps after
/// warm-up (the first quarter of the steps) as the slope of a least-squares line through those
/// readings. Several rounds, each a fresh process; the spread is the claim.
/// </summary>
public static partial class MemoryGrowth
{
    public static void Run(TextWriter output, int rounds, int epochs, string program)
    {
        output.WriteLine($"{Path.GetFileNameWithoutExtension(program)}, {epochs} epochs, {rounds} rounds (each a process of its own); RSS read at each epoch's end");
        output.WriteLine($"{"round",5} {"steps",7} {"RSS after warm-up",18} {"RSS at end",11} {"MiB per 1,000 steps",20}");
        var slopes = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            var readings = Readings(program, epochs);
            long total = readings[^1].Step;
            var warm = readings.Where(r => r.Step >= total / 4).ToList();
            double slope = Slope(warm) * 1000;
            slopes.Add(slope);
            output.WriteLine(FormattableString.Invariant($"{round,5} {total,7} {warm[0].Mib,14:F1} MiB {readings[^1].Mib,7:F1} MiB {slope,20:F2}"));
        }
        slopes.Sort();
        output.WriteLine(FormattableString.Invariant($"growth per 1,000 steps after warm-up: median {slopes[slopes.Count / 2]:F2} MiB, range {slopes[0]:F2} to {slopes[^1]:F2}"));
    }

    private readonly record struct Reading(long Step, double Mib);

    private static List<Reading> Readings(string program, int epochs)
    {
        string folder = Directory.CreateTempSubdirectory("sculpt-memory-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { program, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--output", folder }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            var readings = new List<Reading>();
            while (process.StandardOutput.ReadLine() is { } line)
            {
                var epoch = EpochLine().Match(line);
                if (epoch.Success && Sculpt.Training.PeakMemory.Resident(process.Id) is { } bytes)
                {
                    readings.Add(new Reading(long.Parse(epoch.Groups[1].Value, CultureInfo.InvariantCulture), bytes / 1048576.0));
                }
            }
            process.WaitForExit();
            if (process.ExitCode != 0 || readings.Count < 4) throw new InvalidOperationException($"{program} exited {process.ExitCode} after {readings.Count} epoch lines");
            return readings;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Slope(IReadOnlyList<Reading> points)
    {
        double meanX = points.Average(p => (double)p.Step), meanY = points.Average(p => p.Mib);
        double covariance = points.Sum(p => (p.Step - meanX) * (p.Mib - meanY));
        double variance = points.Sum(p => (p.Step - meanX) * (p.Step - meanX));
        return variance == 0 ? 0 : covariance / variance;
    }

    [GeneratedRegex(@"^epoch\s+\d+/\d+ \| step\s+(\d+) \|")]
    private static partial Regex EpochLine();
}
