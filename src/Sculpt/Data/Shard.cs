using System;

namespace Sculpt.Data;

/// <summary>
/// One process's part of every batch in data-parallel training: process <see cref="Index"/> of <see cref="Count"/>
/// takes a contiguous run of each batch's rows, so the processes together train on exactly the batches one process
/// would, in the same order. Rows that do not divide evenly go one each to the first processes.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole of every batch: one process.</summary>
    public static Shard Whole => new(0, 1);

    /// <summary>Where this process's rows start within a batch of <paramref name="rows"/>, and how many it takes.</summary>
    public (long Start, long Length) Of(long rows)
    {
        if (Count < 1 || Index < 0 || Index >= Count) throw new InvalidOperationException($"Shard {Index} of {Count} does not exist.");
        long each = rows / Count, extra = rows % Count;
        long start = Index * each + Math.Min(Index, extra);
        return (start, each + (Index < extra ? 1 : 0));
    }
}
