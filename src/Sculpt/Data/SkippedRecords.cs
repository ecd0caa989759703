using System.Collections.Generic;

namespace Sculpt.Data;

/// <summary>Records a loader left out under a skip policy: how many, and the first reasons.</summary>
public sealed record SkippedRecords(string Path, int Count, IReadOnlyList<string> FirstReasons)
{
    /// <summary>How many reasons are kept for the report.</summary>
    public const int ReasonsKept = 5;

    public override string ToString() => Count == 0
        ? $"{Path}: no records skipped"
        : $"{Path}: {Count:N0} records skipped ({string.Join("; ", FirstReasons)}{(Count > FirstReasons.Count ? "; ..." : "")})";
}
