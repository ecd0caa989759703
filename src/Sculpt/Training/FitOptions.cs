using System;
using System.Threading;

namespace Sculpt.Training;

/// <summary>How <c>Fit</c> checkpoints, resumes and stops.</summary>
public sealed record FitOptions
{
    /// <summary>Where checkpoints go (<c>step-000001234</c> folders, and <c>best</c>); none are written when null.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Steps between checkpoints; 0 checkpoints at the end of each epoch only.</summary>
    public long CheckpointEvery { get; init; }

    /// <summary>How many <c>step-*</c> checkpoints to keep (the newest); <c>best</c> is kept apart.</summary>
    public int KeepLast { get; init; } = 3;

    /// <summary>A checkpoint folder to continue from: weights, optimizer, schedule, random state, data order and step counter.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// Continue from <see cref="ResumeFrom"/> although it was written with other hyperparameters or
    /// other data (the command line's <c>--resume-with-changes</c>); see <see cref="Checkpoints.ResumeCheck"/>.
    /// </summary>
    public bool ResumeWithChanges { get; init; }

    /// <summary>The training split's normalisation statistics as JSON, stored in every checkpoint and compared when resuming; null when the data is not standardised.</summary>
    public string? Normalization { get; init; }

    /// <summary>The caller's own settings of the run as a JSON object, stored in every checkpoint (the command line keeps <c>--checkpoint-every</c> and <c>--data</c> there).</summary>
    public string? RunOptions { get; init; }

    /// <summary>Stops (with a checkpoint) after this many steps in all; 0 runs every epoch.</summary>
    public long StopAfterStep { get; init; }

    /// <summary>Steps between reads of the running loss to catch NaN or infinity; each read waits for the device.</summary>
    public int CheckEvery { get; init; } = 100;

    /// <summary>
    /// Batches a background thread gathers ahead of the step. By default 2 on a GPU, where the
    /// gather overlaps device work, and 0 on the CPU, where it would compete with the step for the
    /// same cores (the data-wait share in the report says whether it is worth it).
    /// </summary>
    public int? Prefetch { get; init; }

    /// <summary>Random changes applied to each training batch's inputs (never to validation); see <see cref="Data.DataSplits.Augmentation"/>.</summary>
    public Data.IAugmentation? Augmentation { get; init; }

    /// <summary>What happens to an epoch's last batch when the rows do not fill it; see <see cref="Data.DataSplits.LastBatch"/>.</summary>
    public LastBatch LastBatch { get; init; } = LastBatch.Partial;

    /// <summary>Cancelled (by Ctrl-C on the command line): training checkpoints and returns.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>What to do when the device would only emulate <c>Config.Precision</c> (a CPU without bfloat16 units): by default, say so and train in float32.</summary>
    public PrecisionFallback PrecisionFallback { get; init; } = PrecisionFallback.Fp32;
}

/// <summary>The loss became NaN or infinite; training stopped without overwriting any checkpoint.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
