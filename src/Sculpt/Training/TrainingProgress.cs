using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Sculpt.Training;

/// <summary>Receives progress from a generated <c>Fit</c>.</summary>
public interface ITrainingProgress
{
    /// <param name="epochs">Epochs of the whole run.</param>
    /// <param name="trainSamples">Rows trained on per epoch.</param>
    /// <param name="validationSamples">Rows evaluated after each epoch.</param>
    /// <param name="stepsPerEpoch">Optimizer steps per epoch.</param>
    /// <param name="resumedAtStep">The step of the checkpoint the run resumed from; 0 for a fresh run.</param>
    void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep);

    /// <summary>True when the caller should read the running loss (a device sync) and call <see cref="Step"/>.</summary>
    bool WantsStep(long stepInEpoch);

    /// <param name="epoch">The epoch in progress.</param>
    /// <param name="stepInEpoch">Steps taken in it.</param>
    /// <param name="step">Steps taken in the run.</param>
    /// <param name="runningLoss">The epoch's mean training loss so far.</param>
    /// <param name="learningRate">The rate of the step just taken.</param>
    void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate);

    void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed);
}

/// <summary>
/// Writes one line per epoch (epoch, step, loss, validation metrics, samples/s, ETA) and, on an
/// interactive console, a live line a few times a second.
/// </summary>
public sealed class ConsoleProgress(TextWriter? output = null, bool? live = null) : ITrainingProgress
{
    private readonly TextWriter _output = output ?? Console.Out;
    private readonly bool _live = live ?? (output is null && !Console.IsOutputRedirected);
    private readonly Stopwatch _sinceLive = Stopwatch.StartNew();
    private long _stepsPerEpoch;

    public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep)
    {
        _stepsPerEpoch = stepsPerEpoch;
        _output.WriteLine(Invariant($"training {epochs} epoch(s) on {trainSamples:N0} samples ({stepsPerEpoch:N0} steps each), validating on {validationSamples:N0}"));
    }

    public bool WantsStep(long stepInEpoch) => _live && _sinceLive.ElapsedMilliseconds >= 250;

    public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate)
    {
        _sinceLive.Restart();
        _output.Write(Invariant($"\repoch {epoch} | step {stepInEpoch}/{_stepsPerEpoch} | loss {runningLoss:F4}   "));
    }

    public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed)
    {
        var remaining = TimeSpan.FromTicks(elapsed.Ticks / report.Epoch * (epochs - report.Epoch));
        string accuracy = report.Validation.Accuracy is { } a ? Invariant($" | val_acc {a * 100:F2}%") : "";
        string clear = _live ? "\r" : "";
        _output.WriteLine(Invariant(
            $"{clear}epoch {report.Epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs} | step {report.Step,6} | loss {report.TrainLoss:F4} | val_loss {report.Validation.Loss:F4}{accuracy} | lr {report.LearningRate:0.00e+00} | {report.SamplesPerSecond,9:N0} samples/s | ETA {Format(remaining)}"));
    }

    private static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Reports nothing; for tests and embedding.</summary>
public sealed class SilentProgress : ITrainingProgress
{
    public static SilentProgress Instance { get; } = new();

    public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep) { }

    public bool WantsStep(long stepInEpoch) => false;

    public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate) { }

    public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed) { }
}
