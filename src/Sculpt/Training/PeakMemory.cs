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

    /// <summary>The current resident set of process <paramref name="processId"/> (<c>VmRSS</c>) in bytes, or null where Linux's <c>/proc</c> cannot tell.</summary>
    public static long? Resident(int processId) => StatusBytes($"/proc/{processId}/status", "VmRSS:");

    private static long? HighWaterMark() => StatusBytes("/proc/self/status", "VmHWM:");

    /// <summary>A memory line of a <c>/proc/PID/status</c> file, which reads e.g. "VmHWM:     123456 kB" (the kernel's kB are KiB).</summary>
    private static long? StatusBytes(string path, string field)
    {
        try
        {
            string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            var fields = line?.Split(' ', '\t').Where(f => f.Length > 0).ToArray();
            return fields is [_, var number, "kB"] && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
