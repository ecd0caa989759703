using System;
using TorchSharp;

namespace Sculpt.Distributed;

/// <summary>
/// The processes that train one model together (data parallelism): each holds a whole copy of the model, trains on its
/// part of every global batch, and the gradients are summed across all of them before each optimizer step. One process
/// alone is the group <see cref="Single"/>; <see cref="MpiProcessGroup"/> joins the processes an MPI launcher started.
/// A group's collectives take tensors, not arrays, so that a GPU group (NCCL, or a CUDA-aware MPI given device pointers)
/// is another implementation of this class, not a change to the trainer (docs/distributed.md).
/// </summary>
public abstract class ProcessGroup : IDisposable
{
    /// <summary>This process's place in the group, from 0; rank 0 writes the run's files.</summary>
    public abstract int Rank { get; }

    /// <summary>The number of processes in the group.</summary>
    public abstract int Size { get; }

    /// <summary>The number of processes of the group on this machine, which share its cores.</summary>
    public abstract int LocalSize { get; }

    /// <summary>Whether this process writes the run's files and prints its progress.</summary>
    public bool IsLeader => Rank == 0;

    /// <summary>Which rows of every batch this process takes.</summary>
    public Data.Shard Shard => new(Rank, Size);

    /// <summary>Time spent in collectives so far, waiting for slower processes included: what a step pays for sharing.</summary>
    public TimeSpan CollectiveTime => TimeSpan.FromTicks((long)(_collectiveTicks * ((double)TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency)));

    private long _collectiveTicks;

    /// <summary>Adds the time since <paramref name="started"/> (a <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>) to <see cref="CollectiveTime"/>.</summary>
    protected void Spent(long started) => _collectiveTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;

    /// <summary>Replaces <paramref name="tensor"/> (contiguous; float32, float64 or int64) with its sum over the group, in place.</summary>
    public abstract void SumInPlace(torch.Tensor tensor);

    /// <summary>Replaces <paramref name="tensor"/> (contiguous) with rank <paramref name="root"/>'s, in place.</summary>
    public abstract void Broadcast(torch.Tensor tensor, int root = 0);

    /// <summary>Ends every process of the group with <paramref name="exitCode"/>: what a process that failed alone calls, so the others do not wait for it forever.</summary>
    public abstract void Abort(int exitCode);

    /// <summary>The group of one process: collectives leave their tensors as they are.</summary>
    public static ProcessGroup Single { get; } = new SingleProcess();

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private sealed class SingleProcess : ProcessGroup
    {
        public override int Rank => 0;
        public override int Size => 1;
        public override int LocalSize => 1;
        public override void SumInPlace(torch.Tensor tensor) { }
        public override void Broadcast(torch.Tensor tensor, int root = 0) { }
        public override void Abort(int exitCode) => Environment.Exit(exitCode);
        public override void Dispose() { }
    }
}
