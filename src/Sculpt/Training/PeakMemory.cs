using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Sculpt.Training;

/// <summary>The process's peak resident memory (RSS), as the run summary and the command line report it.</summary>
public static class PeakMemory
{
    /// <summary>
    /// In bytes: on Linux the kernel's high-water mark of the resident set (<c>VmHWM</c> in
    /// <c>/proc/self/status</c>), which counts libtorch's native allocations as well as the managed
    /// heap; elsewhere, or when that file cannot be read, the runtime's peak working set.
    /// </summary>
    public static long ResidentBytes()
    {
        if (OperatingSystem.IsLinux() && HighWaterMark() is { } bytes) return bytes;
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    /// <summary>The peak as people read it: whole MiB.</summary>
    public static string Describe(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("N0", CultureInfo.InvariantCulture) + " MiB";

    private static long? HighWaterMark()
    {
        try
        {
            // The line reads "VmHWM:     123456 kB" (the kernel's kB are KiB).
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var fields = line?.Split(' ', '\t').Where(f => f.Length > 0).ToArray();
            return fields is [_, var number, "kB"] && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
