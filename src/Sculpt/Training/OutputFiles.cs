using System;
using System.IO;

namespace Sculpt.Training;

/// <summary>
/// Opens the files a run keeps (checkpoint files, weights) for writing, and words a failed write.
/// One place, so that a test can make a write fail as it does on a full disk.
/// </summary>
internal static class OutputFiles
{
    /// <summary>errno ENOSPC and EDQUOT on Linux, which .NET puts in an IOException's HResult.</summary>
    private const int NoSpace = 28, QuotaExceeded = 122;

    /// <summary>Opens a path for writing. A test swaps this for a stream that fails as a full disk does (one on <c>/dev/full</c>).</summary>
    internal static Func<string, FileMode, FileStream> Open { get; set; } = static (path, mode) => new FileStream(path, mode, FileAccess.Write, FileShare.None);

    /// <summary>Why a write failed, in words that say what to do about a full disk.</summary>
    internal static string Reason(Exception problem) => problem.HResult is NoSpace or QuotaExceeded
        ? "no space left on the device (the disk is full)"
        : problem.Message.TrimEnd('.');
}
