using System;
using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Training;

/// <summary>Mean loss over a dataset, and accuracy for classification losses (for preference pairs, the share ranked right).</summary>
public sealed record Evaluation(double Loss, double? Accuracy, long Samples)
{
    /// <summary>Further means over the dataset, by name: preference tuning's rewards and margin; empty for other losses.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Equal numbers, metrics compared by name and value.</summary>
    public bool Equals(Evaluation? other) =>
        other is not null && Loss.Equals(other.Loss) && Accuracy.Equals(other.Accuracy) && Samples == other.Samples
        && Metrics.Count == other.Metrics.Count && Metrics.All(m => other.Metrics.TryGetValue(m.Key, out double value) && m.Value.Equals(value));

    public override int GetHashCode() => HashCode.Combine(Loss, Accuracy, Samples, Metrics.Count);
}

/// <summary>What one epoch of <c>Fit</c> did.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Step">Optimizer steps taken so far in the run.</param>
/// <param name="TrainLoss">The mean training loss over the epoch's steps.</param>
/// <param name="Validation">The evaluation after the epoch.</param>
/// <param name="SamplesPerSecond">Training throughput of the epoch.</param>
/// <param name="Elapsed">The epoch's wall time.</param>
/// <param name="LearningRate">The rate of the epoch's last step.</param>
public sealed record EpochReport(int Epoch, long Step, double TrainLoss, Evaluation Validation, double SamplesPerSecond, TimeSpan Elapsed, double LearningRate)
{
    /// <summary>The share of the epoch's time spent waiting for the next batch.</summary>
    public double DataWaitShare { get; init; }
}

/// <summary>The history of a <c>Fit</c> call.</summary>
/// <param name="Epochs">Every completed epoch, including those before a resume.</param>
/// <param name="Elapsed">The wall time of this call.</param>
/// <param name="Interrupted">Training stopped early (a requested stop or Ctrl-C) after saving <paramref name="LastCheckpoint"/>.</param>
/// <param name="LastCheckpoint">The newest checkpoint folder written, if any.</param>
public sealed record FitResult(IReadOnlyList<EpochReport> Epochs, TimeSpan Elapsed, bool Interrupted = false, string? LastCheckpoint = null)
{
    public EpochReport Final => Epochs[^1];

    /// <summary>Early stopping ended the run: the validation loss had not improved for <c>EarlyStopping</c> epochs.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>
    /// The epoch with the best validation accuracy, or the lowest validation loss for regression.
    /// An epoch whose validation loss is NaN or infinite diverged, whatever its accuracy says, and
    /// is never the best (unless every epoch did).
    /// </summary>
    public EpochReport Best => Epochs.Where(e => double.IsFinite(e.Validation.Loss)).MaxBy(e => e.Validation.Accuracy ?? -e.Validation.Loss) ?? Final;

    /// <summary>
    /// The epoch whose weights the model ended with because <c>RestoreBest</c> asked for the best
    /// epoch's (<see cref="LowestValidationLoss"/>); null when the model holds the final weights.
    /// </summary>
    public EpochReport? RestoredEpoch { get; init; }

    /// <summary>
    /// The first epoch of lowest finite validation loss: the criterion of early stopping, of the
    /// <c>best</c> checkpoint and of <c>RestoreBest</c>. Null when no epoch has a finite loss.
    /// </summary>
    public static EpochReport? LowestValidationLoss(IReadOnlyList<EpochReport> epochs) =>
        epochs.Where(e => double.IsFinite(e.Validation.Loss)).MinBy(e => e.Validation.Loss);
}

/// <summary>Deterministic seeds derived from the run's seed.</summary>
public static class Seeds
{
    /// <summary>The shuffling seed of <paramref name="epoch"/>: fixed per epoch, so a resumed run shuffles alike.</summary>
    public static long ForEpoch(int seed, int epoch) => unchecked(seed * 1_000_003L + epoch);

    /// <summary>The augmentation seed of a step: fixed per epoch and step, so a resumed run draws the same changes.</summary>
    public static long ForBatch(int seed, int epoch, long stepInEpoch) => unchecked(ForEpoch(seed, epoch) * 1_000_033L + stepInEpoch);

    /// <summary>The CUDA generator's seed for optimizer step <paramref name="step"/> (1-based): fixed per step, so a resumed run draws alike.</summary>
    public static long ForStep(int seed, long step) => unchecked(seed * 1_000_000_007L + step);

    /// <summary>Process <paramref name="rank"/>'s seed of a draw <paramref name="seed"/> fixes, in a data-parallel run: each process draws its own dropout masks and augmentations.</summary>
    public static long ForRank(long seed, int rank) => unchecked(seed * 1_000_003L + rank);
}
