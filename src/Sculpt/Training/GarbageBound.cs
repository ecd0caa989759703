using System;

namespace Sculpt.Training;

/// <summary>
/// Collects the runtime's youngest generation every <see cref="Every"/> steps, so a training
/// process's resident memory stays flat instead of growing until the runtime's first collections.
/// Each step leaves a few KiB of short-lived managed objects (TorchSharp's tensor wrappers, shape
/// arrays); the runtime collects them only when its generation-0 budget is spent, and that budget
/// scales with the CPU's cache, tens of MiB on server CPUs: 10,000 Quickstart steps grew by about
/// 2 MiB per 1,000 steps on this 2-core VM, and by 66 MiB over the run on a Xeon, all of it garbage
/// waiting for a collection. A generation-0 collection of that garbage takes well under a
/// millisecond. Only the generated command line adds this: it owns its process, a library does not
/// collect in someone else's (docs/decisions.md, "Process-wide settings").
/// </summary>
public sealed class GarbageBound(int every = 500) : ITrainingProgress
{
    public int Every { get; } = Math.Max(1, every);

    private long _lastCollected;

    public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep)
    {
        _lastCollected = resumedAtStep;
        // What loading left behind (a dataset file's bytes, parse buffers: 110 MB for Fashion-MNIST's IDX files) is
        // garbage by now, but in the large-object heap, which only a full collection returns; one, before the first step.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    // A loss reading every few hundred steps costs nothing beside the run log's every 50.
    public bool WantsStep(long stepInEpoch) => stepInEpoch % Every == 0;

    public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate) => Collect(step);

    public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed) => Collect(report.Step);

    public void FitEnded()
    {
    }

    private void Collect(long step)
    {
        if (step - _lastCollected < Every) return;
        _lastCollected = step;
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
    }
}
