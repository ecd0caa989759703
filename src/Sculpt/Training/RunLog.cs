using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Sculpt.Training;

/// <summary>
/// Records a run in its output folder: <c>epochs.csv</c> (one row per epoch), <c>steps.jsonl</c>
/// (the running loss and rate every <see cref="StepEvery"/> steps), TensorBoard event files under
/// <c>tensorboard/</c>, and, when the run ends, <c>loss.png</c>, <c>accuracy.png</c> and
/// <c>summary.md</c>. Reading the loss for a step line is a device sync, so it happens only every
/// <see cref="StepEvery"/> steps. A resumed run continues the files: rows up to the checkpoint's
/// step stay, later ones (which the resumed run trains again) go. Before each checkpoint the files
/// are flushed to disk, so a run killed at any moment has every row up to its last checkpoint.
/// </summary>
public sealed class RunLog : ITrainingProgress, IDisposable
{
    private const string MetricsHeader = "epoch,step,metric,value";
    private StreamWriter? _metrics;
    private long _resumedAtStep;
    private const string EpochsHeader = "epoch,step,train_loss,val_loss,val_accuracy,learning_rate,samples_per_second,seconds,data_wait_share";
    private readonly string _folder;
    private readonly string _continueFrom;
    private StreamWriter? _epochs;
    private StreamWriter? _steps;
    private readonly TensorBoardWriter _tensorBoard;
    private readonly List<EpochReport> _reports = new();

    /// <summary>The resident set after the last epoch: what the run holds once its buffers and caches have settled (null where /proc cannot tell).</summary>
    private long? _steadyResident;

    /// <param name="folder">The run folder the files go to.</param>
    /// <param name="stepEvery">Steps between lines of <c>steps.jsonl</c>.</param>
    /// <param name="continueFrom">The folder whose files a resumed run continues, when it is not <paramref name="folder"/> (a checkpoint of another run folder).</param>
    public RunLog(string folder, int stepEvery = 50, string? continueFrom = null)
    {
        _folder = folder;
        _continueFrom = continueFrom ?? folder;
        StepEvery = Math.Max(1, stepEvery);
        try
        {
            Directory.CreateDirectory(folder);
            _tensorBoard = new TensorBoardWriter(Path.Combine(folder, "tensorboard"));
        }
        catch (Exception problem) when (IsWriteError(problem))
        {
            throw Failed(problem);
        }
    }

    private static bool IsWriteError(Exception problem) => problem is IOException or UnauthorizedAccessException;

    /// <summary>A write of the log that failed (a full disk, a folder made read-only), as an error naming the folder and what to do.</summary>
    private IOException Failed(Exception problem) =>
        new($"Cannot write the run log in '{_folder}': {OutputFiles.Reason(problem)}. Make room, or choose another --output.", problem);

    public int StepEvery { get; }

    public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep)
    {
        try
        {
            _epochs?.Dispose();
            _steps?.Dispose();
            _epochs = Continue("epochs.csv", EpochsHeader, resumedAtStep, CsvStep);
            _resumedAtStep = resumedAtStep;
            _metrics?.Dispose();
            _metrics = null;
            _steps = Continue("steps.jsonl", null, resumedAtStep, JsonStep);
            if (resumedAtStep > 0) _tensorBoard.MarkRestart(resumedAtStep);
        }
        catch (Exception problem) when (IsWriteError(problem))
        {
            throw Failed(problem);
        }
    }

    /// <summary>
    /// The file rewritten (atomically) with its header and the rows of steps up to
    /// <paramref name="resumedAtStep"/> (none on a fresh run), open for appending.
    /// </summary>
    private StreamWriter Continue(string name, string? header, long resumedAtStep, Func<string, long?> stepOf)
    {
        string path = Path.Combine(_folder, name);
        string source = Path.Combine(_continueFrom, name);
        // A row cut short by a crash has no step and goes with the later ones.
        var kept = resumedAtStep > 0 && File.Exists(source)
            ? File.ReadAllLines(source).Skip(header is null ? 0 : 1).Where(line => stepOf(line) <= resumedAtStep).ToList()
            : [];
        var text = new StringBuilder();
        if (header is not null) text.Append(header).Append('\n');
        foreach (string line in kept) text.Append(line).Append('\n');
        Checkpoints.AtomicFile.WriteAllText(path, text.ToString());
        return new StreamWriter(OutputFiles.Open(path, FileMode.Append), new UTF8Encoding(false)) { NewLine = "\n" };
    }

    private static long? CsvStep(string line) =>
        line.Split(',') is { Length: > 1 } fields && long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long step) ? step : null;

    private static long? JsonStep(string line)
    {
        try
        {
            using var row = System.Text.Json.JsonDocument.Parse(line);
            return row.RootElement.TryGetProperty("step", out var step) && step.TryGetInt64(out long value) ? value : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public bool WantsStep(long stepInEpoch) => stepInEpoch % StepEvery == 0;

    public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate)
    {
        try
        {
            Started(_steps).WriteLine(Invariant($"{{\"step\":{step},\"epoch\":{epoch},\"loss\":{Number(runningLoss)},\"learning_rate\":{Number(learningRate)}}}"));
            _tensorBoard.AddScalars(step, ("train/loss_running", (float)runningLoss), ("train/learning_rate", (float)learningRate));
        }
        catch (Exception problem) when (IsWriteError(problem))
        {
            throw Failed(problem);
        }
    }

    public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed)
    {
        _reports.Add(report);
        _steadyResident = PeakMemory.Resident(Environment.ProcessId);
        string accuracy = report.Validation.Accuracy is { } a ? Number(a) : "";
        try
        {
            Started(_epochs).WriteLine(Invariant($"{report.Epoch},{report.Step},{Number(report.TrainLoss)},{Number(report.Validation.Loss)},{accuracy},{Number(report.LearningRate)},{Number(report.SamplesPerSecond)},{Number(report.Elapsed.TotalSeconds)},{Number(report.DataWaitShare)}"));
            _epochs!.Flush();
            _steps!.Flush();
            var scalars = new List<(string, float)> { ("train/loss", (float)report.TrainLoss), ("validation/loss", (float)report.Validation.Loss) };
            if (report.Validation.Accuracy is { } value) scalars.Add(("validation/accuracy", (float)value));
            if (report.Validation.Metrics.Count > 0)
            {
                // Losses with further metrics (preference tuning's rewards) write them a row each, so any set of names fits.
                _metrics ??= Continue("metrics.csv", MetricsHeader, _resumedAtStep, CsvStep);
                foreach (var (name, metric) in report.Validation.Metrics)
                {
                    _metrics.WriteLine(Invariant($"{report.Epoch},{report.Step},{name},{Number(metric)}"));
                    scalars.Add(("validation/" + name, (float)metric));
                }
                _metrics.Flush();
            }
            _tensorBoard.AddScalars(report.Step, scalars.ToArray());
        }
        catch (Exception problem) when (IsWriteError(problem))
        {
            throw Failed(problem);
        }
    }

    public void CheckpointStarting(long step)
    {
        foreach (var file in new[] { _steps, _epochs, _metrics })
        {
            if (file is null) continue;
            file.Flush();
            ((FileStream)file.BaseStream).Flush(flushToDisk: true);
        }
        _tensorBoard.FlushToDisk();
    }

    public void FitEnded()
    {
        // Step lines written since the last epoch's end, up to an interruption or a NaN stop. This
        // runs as Fit unwinds, perhaps from a failed write: an error here would hide that one, and a
        // full disk is reported by the next write anyway (the summary, a checkpoint).
        try
        {
            _steps?.Flush();
        }
        catch (Exception problem) when (IsWriteError(problem))
        {
        }
    }

    /// <summary>
    /// Writes the plots and the one-page summary of <paramref name="result"/> (including epochs
    /// from before a resume); <paramref name="skipped"/> lists records the data loader left out,
    /// <paramref name="weights"/> says which weights the run kept and <paramref name="test"/> is their
    /// measurement on the test split.
    /// </summary>
    public void Finish(FitResult result, string title, IReadOnlyList<Data.SkippedRecords>? skipped = null, string? weights = null, Evaluation? test = null)
    {
        var epochs = result.Epochs;
        if (epochs.Count == 0) return;
        try
        {
            WritePlotsAndSummary(result, title, skipped ?? [], weights, test);
        }
        catch (Exception problem) when (IsWriteError(problem))
        {
            throw Failed(problem);
        }
    }

    private void WritePlotsAndSummary(FitResult result, string title, IReadOnlyList<Data.SkippedRecords> skipped, string? weights, Evaluation? test)
    {
        foreach (var curves in Curves(result.Epochs, title))
        {
            var plot = Draw(curves);
            Checkpoints.AtomicFile.Write(Path.Combine(_folder, curves.File), stream => stream.Write(plot.GetImageBytes(PlotWidth, PlotHeight, ScottPlot.ImageFormat.Png)));
        }
        Checkpoints.AtomicFile.WriteAllText(Path.Combine(_folder, "summary.md"), Summary(result, title, skipped, weights, test, _steadyResident));
    }

    internal const int PlotWidth = 800, PlotHeight = 500;

    /// <summary>One plot of the run folder before it is drawn: its file, title, y axis and a line per series.</summary>
    internal sealed record CurvePlot(string File, string Title, string YLabel, IReadOnlyList<Curve> Series);

    /// <summary>A series of a plot: a value per epoch.</summary>
    internal sealed record Curve(string Name, double[] Epochs, double[] Values);

    /// <summary>
    /// The plots of a run: <c>loss.png</c> (training and validation loss); for a classifier,
    /// <c>accuracy.png</c>, in percent as the console prints it; and a plot per family of validation metrics, named by
    /// what comes before the first '_' (<c>reward_chosen</c>, <c>reward_rejected</c> and <c>reward_margin</c> share
    /// <c>reward.png</c>; <c>kl</c> has <c>kl.png</c>).
    /// </summary>
    internal static IReadOnlyList<CurvePlot> Curves(IReadOnlyList<EpochReport> epochs, string title)
    {
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        var plots = new List<CurvePlot>
        {
            new("loss.png", $"{title}: loss", "loss",
            [
                new Curve("train", x, epochs.Select(e => e.TrainLoss).ToArray()),
                new Curve("validation", x, epochs.Select(e => e.Validation.Loss).ToArray()),
            ]),
        };
        if (epochs.All(e => e.Validation.Accuracy is not null))
        {
            plots.Add(new("accuracy.png", $"{title}: validation accuracy", "accuracy (%)",
                [new Curve("validation", x, epochs.Select(e => e.Validation.Accuracy!.Value * 100).ToArray())]));
        }
        // Metrics every epoch reports, in the first epoch's order (a resumed run's history has them all).
        var metrics = epochs[0].Validation.Metrics.Keys.Where(name => epochs.All(e => e.Validation.Metrics.ContainsKey(name)));
        foreach (var family in metrics.GroupBy(name => name.Split('_')[0]))
        {
            plots.Add(new($"{family.Key}.png", $"{title}: validation {family.Key}", family.Key,
                family.Select(name => new Curve(name, x, epochs.Select(e => e.Validation.Metrics[name]).ToArray())).ToList()));
        }
        return plots;
    }

    /// <summary>
    /// The plot of <paramref name="curves"/>: epochs on the x axis with ticks on whole epochs only,
    /// and the legend in a panel right of the data, where it covers no point.
    /// </summary>
    internal static ScottPlot.Plot Draw(CurvePlot curves)
    {
        var plot = new ScottPlot.Plot();
        foreach (var curve in curves.Series)
        {
            var line = plot.Add.Scatter(curve.Epochs, curve.Values);
            line.LegendText = curve.Name;
        }
        plot.Title(curves.Title);
        plot.XLabel("epoch");
        plot.YLabel(curves.YLabel);
        // An epoch is the unit: no tick, major or minor, between two.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.EvenlySpacedMinorTickGenerator(1),
        };
        plot.ShowLegend(ScottPlot.Edge.Right);
        return plot;
    }

    private static string Summary(FitResult result, string title, IReadOnlyList<Data.SkippedRecords> skipped, string? weights, Evaluation? test, long? steadyResident)
    {
        var final = result.Final;
        var best = result.Best;
        double seconds = result.Epochs.Sum(e => e.Elapsed.TotalSeconds);
        var text = new StringBuilder();
        text.AppendLine(Invariant($"# {title}"));
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        text.AppendLine(Invariant($"| epochs | {result.Epochs.Count}{(result.StoppedEarly ? " (stopped early)" : "")}{(result.Interrupted ? " (interrupted)" : "")} |"));
        text.AppendLine(Invariant($"| steps | {final.Step:N0} |"));
        text.AppendLine(Invariant($"| final validation loss | {final.Validation.Loss:F4} |"));
        if (final.Validation.Accuracy is { } accuracy) text.AppendLine(Invariant($"| final validation accuracy | {accuracy * 100:F2}% |"));
        text.AppendLine(Invariant($"| best epoch | {best.Epoch} (validation loss {best.Validation.Loss:F4}{(best.Validation.Accuracy is { } b ? $", accuracy {b * 100:F2}%" : "")}) |"));
        if (weights is not null) text.AppendLine(Invariant($"| weights kept | {weights} |"));
        if (test is not null) text.AppendLine(Invariant($"| test | loss {test.Loss:F4}{(test.Accuracy is { } t ? $", accuracy {t * 100:F2}%" : "")} on {test.Samples:N0} samples, with the weights kept |"));
        text.AppendLine(Invariant($"| training time | {seconds:F1} s over the epochs, {result.Elapsed.TotalSeconds:F1} s in this run |"));
        text.AppendLine(Invariant($"| throughput | {result.Epochs.Average(e => e.SamplesPerSecond):N0} samples/s |"));
        text.AppendLine(Invariant($"| final learning rate | {final.LearningRate:0.00e+00} |"));
        text.AppendLine(Invariant($"| waiting for data | {result.Epochs.Average(e => e.DataWaitShare) * 100:F1}% of epoch time |"));
        text.AppendLine(Invariant($"| peak memory | {PeakMemory.Describe(PeakMemory.ResidentBytes())} resident (RSS) |"));
        if (steadyResident is { } steady) text.AppendLine(Invariant($"| steady memory | {PeakMemory.Describe(steady)} resident after the last epoch |"));
        foreach (var records in skipped) text.AppendLine(Invariant($"| records skipped | {records.ToString().Replace("|", "\\|")} |"));
        foreach (var (name, value) in final.Validation.Metrics) text.AppendLine(Invariant($"| final validation {name} | {value:G5} |"));
        string curves = string.Join(", ", Curves(result.Epochs, title).Select(c => $"`{c.File}`"));
        text.AppendLine();
        text.AppendLine($"Per epoch: `epochs.csv`{(final.Validation.Metrics.Count > 0 ? ", `metrics.csv`" : "")}; every few steps: `steps.jsonl`; curves: {curves}; TensorBoard: `tensorboard/`.");
        return text.ToString();
    }

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "null";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static StreamWriter Started(StreamWriter? file) => file ?? throw new InvalidOperationException("The run log records a Fit: FitStarted comes first.");

    /// <summary>Closes the files; a last flush that fails (as training unwinds from a full disk) is not reported again.</summary>
    public void Dispose()
    {
        foreach (IDisposable? file in new IDisposable?[] { _epochs, _steps, _metrics, _tensorBoard })
        {
            try
            {
                file?.Dispose();
            }
            catch (Exception problem) when (IsWriteError(problem))
            {
            }
        }
    }
}

/// <summary>Several progress reporters as one; each step goes only to those that asked for it.</summary>
public sealed class ProgressGroup(params ITrainingProgress[] members) : ITrainingProgress
{
    private readonly bool[] _wanted = new bool[members.Length];

    public void FitStarted(int epochs, long trainSamples, long validationSamples, long stepsPerEpoch, long resumedAtStep)
    {
        foreach (var member in members) member.FitStarted(epochs, trainSamples, validationSamples, stepsPerEpoch, resumedAtStep);
    }

    public bool WantsStep(long stepInEpoch)
    {
        bool any = false;
        for (int i = 0; i < members.Length; i++) any |= _wanted[i] = members[i].WantsStep(stepInEpoch);
        return any;
    }

    public void Step(int epoch, long stepInEpoch, long step, double runningLoss, double learningRate)
    {
        for (int i = 0; i < members.Length; i++)
        {
            if (_wanted[i]) members[i].Step(epoch, stepInEpoch, step, runningLoss, learningRate);
        }
    }

    public void EpochCompleted(EpochReport report, int epochs, TimeSpan elapsed)
    {
        foreach (var member in members) member.EpochCompleted(report, epochs, elapsed);
    }

    public void CheckpointStarting(long step)
    {
        foreach (var member in members) member.CheckpointStarting(step);
    }

    public void Note(string line)
    {
        foreach (var member in members) member.Note(line);
    }

    public void FitEnded()
    {
        foreach (var member in members) member.FitEnded();
    }
}
