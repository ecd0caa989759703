using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Spectre.Console;

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

    /// <summary>
    /// A checkpoint after <paramref name="step"/> steps is about to be written: what was recorded up
    /// to it must reach the disk first, so that resuming from it loses nothing.
    /// </summary>
    void CheckpointStarting(long step) { }

    /// <summary>Something the run changed on its own that a reader of its output should know (the frozen components joining in).</summary>
    void Note(string line) { }

    /// <summary>Fit returns or throws; after the last epoch, or inside an epoch when training stopped there.</summary>
    void FitEnded();
}

/// <summary>
/// Writes one line per epoch (epoch, step, loss, validation metrics, samples/s, ETA) and, on an
/// interactive console, a progress bar through each epoch with the running loss, the last
/// validation metric, samples/s and the ETA. Redirected or non-interactive output (CI, tests, a
/// log file) gets the lines alone.
/// </summary>
public sealed class ConsoleProgress : ITrainingProgress
{
    private readonly TextWriter _output;
    private readonly IAnsiConsole? _bar;
    private readonly TimeSpan _refreshEvery;
    private readonly Stopwatch _sinceRefresh = Stopwatch.StartNew();
    private readonly Stopwatch _sinceBarStarted = new();
    private int _epochs;
    private long _stepsPerEpoch;
    private double _samplesPerStep;
    private EpochBar? _current;
    private int _currentEpoch;
    private long _firstStepShown;
    private string _lastMetric = "val_loss -";

    /// <param name="output">Where the lines go; the console when null.</param>
    /// <param name="bar">
    /// Where the progress bar goes. By default the console, when <paramref name="output"/> is the
    /// console and the console is interactive and not redirected; otherwise there is no bar.
    /// </param>
    /// <param name="refreshEvery">How often the bar is redrawn (each redraw reads the running loss: a device sync); 250 ms by default.</param>
    public ConsoleProgress(TextWriter? output = null, IAnsiConsole? bar = null, TimeSpan? refreshEvery = null)
    {
        _output = output ?? Console.Out;
        _bar = bar ?? (output is null && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive ? AnsiConsole.Console : null);
        _refreshEvery = refreshEvery ?? TimeSpan.FromMilliseconds(250);
    }

    public void Note(string line) => _output.WriteLine(line);

    public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep)
    {
        _epochs = epochs;
        _stepsPerEpoch = stepsPerEpoch;
        _samplesPerStep = (double)trainSamples / stepsPerEpoch;
        _output.WriteLine(Invariant($"training {epochs} epoch(s) on {trainSamples:N0} samples ({stepsPerEpoch:N0} steps each), validating on {validationSamples:N0}"));
    }

    public bool WantsStep(long stepInEpoch) => _bar is not null && _sinceRefresh.Elapsed >= _refreshEvery;

    public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate)
    {
        if (_bar is null) return;
        _sinceRefresh.Restart();
        bool starting = _current is null || _currentEpoch != epoch;
        if (starting)
        {
            _currentEpoch = epoch;
            _firstStepShown = stepInEpoch;
            _sinceBarStarted.Restart();
        }
        // Rates count from the first step the bar showed: a resumed epoch starts part-way through.
        long done = stepInEpoch - _firstStepShown;
        double seconds = _sinceBarStarted.Elapsed.TotalSeconds;
        long remaining = (_epochs - epoch) * _stepsPerEpoch + _stepsPerEpoch - stepInEpoch;
        string speed = done > 0 ? Invariant($"{done * _samplesPerStep / seconds:N0}") : "-";
        string eta = done > 0 ? Format(TimeSpan.FromSeconds(remaining * seconds / done)) : "--:--";
        string description = Invariant($"epoch {epoch}/{_epochs} | loss {runningLoss:F4} | {_lastMetric} | {speed} samples/s | ETA {eta}");
        if (starting)
        {
            _current?.Dispose();
            _current = new EpochBar(_bar, _stepsPerEpoch, description);
        }
        _current!.Update(stepInEpoch, description);
    }

    public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed)
    {
        CloseBar();
        var remaining = TimeSpan.FromTicks(elapsed.Ticks / report.Epoch * (epochs - report.Epoch));
        string accuracy = report.Validation.Accuracy is { } a ? Invariant($" | val_acc {a * 100:F2}%") : "";
        foreach (var (name, value) in report.Validation.Metrics) accuracy += Invariant($" | val_{name} {value:F4}");
        _lastMetric = report.Validation.Accuracy is { } last ? Invariant($"val_acc {last * 100:F2}%") : Invariant($"val_loss {report.Validation.Loss:F4}");
        _output.WriteLine(Invariant(
            $"epoch {report.Epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs} | step {report.Step,6} | loss {report.TrainLoss:F4} | val_loss {report.Validation.Loss:F4}{accuracy} | lr {report.LearningRate:0.00e+00} | {report.SamplesPerSecond,9:N0} samples/s | ETA {Format(remaining)}"));
    }

    /// <summary>Training stopped inside an epoch (an interruption, a NaN): its bar comes off the screen too.</summary>
    public void FitEnded() => CloseBar();

    private void CloseBar()
    {
        _current?.Dispose();
        _current = null;
    }

    private static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// One epoch's bar. Spectre's progress display lives for as long as a callback runs, while a
    /// Fit calls the progress back step by step: the callback waits on a worker thread, and the
    /// training thread updates and redraws the bar itself. Without Spectre's refresh thread the
    /// bar changes only when <see cref="WantsStep"/> let the loss be read.
    /// </summary>
    private sealed class EpochBar : IDisposable
    {
        private readonly ManualResetEventSlim _finished = new();
        private readonly Task _display;
        private readonly ProgressContext _context;
        private readonly ProgressTask _task;

        public EpochBar(IAnsiConsole console, long steps, string description)
        {
            var started = new TaskCompletionSource<(ProgressContext, ProgressTask)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _display = Task.Run(() => console.Progress()
                .AutoRefresh(false)
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                .Start(context =>
                {
                    started.SetResult((context, context.AddTask(Markup.Escape(description), maxValue: steps)));
                    _finished.Wait();
                }));
            // A display that failed to start (another one holds the console) fails here, not in a wait forever.
            if (Task.WhenAny(started.Task, _display).GetAwaiter().GetResult() == _display) _display.GetAwaiter().GetResult();
            (_context, _task) = started.Task.GetAwaiter().GetResult();
        }

        public void Update(long stepInEpoch, string description)
        {
            _task.Value = stepInEpoch;
            _task.Description = Markup.Escape(description);
            _context.Refresh();
        }

        public void Dispose()
        {
            _finished.Set();
            _display.GetAwaiter().GetResult();
            _finished.Dispose();
        }
    }
}

/// <summary>Reports nothing; for tests and embedding.</summary>
public sealed class SilentProgress : ITrainingProgress
{
    public static SilentProgress Instance { get; } = new();

    public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep) { }

    public bool WantsStep(long stepInEpoch) => false;

    public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate) { }

    public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed) { }

    public void FitEnded() { }
}
