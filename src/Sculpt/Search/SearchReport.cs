using System;
using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Search;

/// <summary>What a study shows: how the best value moved over the trials, and which hyperparameters mattered.</summary>
public static class SearchReport
{
    /// <summary>
    /// Each searched hyperparameter's share of the objective's variance over the scored trials that its value alone explains
    /// (a first-order estimate, in the spirit of fANOVA's main effects): the trials are grouped by the value (a choice) or
    /// by quartile of the value (a range), and the spread of the group means, weighted by group size, is divided by the
    /// spread of all values. Shares are scaled to sum to 1; empty with fewer than 4 scored trials or no spread at all.
    /// </summary>
    public static IReadOnlyList<(string Flag, double Share)> Importance(IReadOnlyList<SearchDimension> space, IReadOnlyList<Trial> trials)
    {
        var scored = trials.Where(t => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v)).ToList();
        if (scored.Count < 4) return [];
        double mean = scored.Average(t => t.Value!.Value);
        double total = scored.Sum(t => Math.Pow(t.Value!.Value - mean, 2));
        if (total <= 0) return [];
        var raw = new List<(string Flag, double Share)>();
        foreach (var dimension in space)
        {
            var present = scored.Where(t => t.Parameters.ContainsKey(dimension.Flag)).ToList();
            IEnumerable<IGrouping<int, Trial>> groups;
            if (dimension.Kind == SearchKind.Choice) groups = present.GroupBy(t => (int)dimension.Numeric(t.Parameters[dimension.Flag]));
            else
            {
                var ordered = present.OrderBy(t => dimension.Numeric(t.Parameters[dimension.Flag])).ToList();
                groups = ordered.Select((t, i) => (Trial: t, Quartile: i * 4 / ordered.Count)).GroupBy(p => p.Quartile, p => p.Trial);
            }
            double explained = groups.Sum(g => g.Count() * Math.Pow(g.Average(t => t.Value!.Value) - mean, 2));
            raw.Add((dimension.Flag, explained / total));
        }
        double sum = raw.Sum(r => r.Share);
        return sum <= 0 ? [] : raw.Select(r => (r.Flag, r.Share / sum)).OrderByDescending(r => r.Item2).ToList();
    }

    /// <summary>The best value after each scored trial, in trial order (lower is better under <paramref name="toLoss"/>).</summary>
    public static IReadOnlyList<(int Trial, double Best)> BestSoFar(IReadOnlyList<Trial> trials, Func<double, double> toLoss)
    {
        var result = new List<(int, double)>();
        double? best = null;
        foreach (var trial in trials.Where(t => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v)).OrderBy(t => t.Number))
        {
            if (best is not { } b || toLoss(trial.Value!.Value) < toLoss(b)) best = trial.Value!.Value;
            result.Add((trial.Number, best!.Value));
        }
        return result;
    }

    /// <summary><c>history.png</c>: every scored trial's value by trial number (pruned ones apart) and the best so far.</summary>
    public static byte[] HistoryPlot(IReadOnlyList<Trial> trials, string objective, Func<double, double> toLoss, string title)
    {
        var plot = new ScottPlot.Plot();
        void Points(TrialState state, string name)
        {
            var chosen = trials.Where(t => t.State == state && t.Value is { } v && double.IsFinite(v)).ToList();
            if (chosen.Count == 0) return;
            var points = plot.Add.ScatterPoints(chosen.Select(t => (double)t.Number).ToArray(), chosen.Select(t => t.Value!.Value).ToArray());
            points.LegendText = name;
        }
        Points(TrialState.Complete, "complete");
        Points(TrialState.Pruned, "pruned (value when stopped)");
        var best = BestSoFar(trials, toLoss);
        if (best.Count > 0)
        {
            var line = plot.Add.ScatterLine(best.Select(b => (double)b.Trial).ToArray(), best.Select(b => b.Best).ToArray());
            line.LegendText = "best so far";
        }
        plot.Title(title);
        plot.XLabel("trial");
        plot.YLabel(objective);
        plot.ShowLegend(ScottPlot.Edge.Right);
        return plot.GetImageBytes(Training.RunLog.PlotWidth, Training.RunLog.PlotHeight, ScottPlot.ImageFormat.Png);
    }

    /// <summary><c>importance.png</c>: each hyperparameter's share from <see cref="Importance"/>, largest at the top.</summary>
    public static byte[] ImportancePlot(IReadOnlyList<(string Flag, double Share)> importance, string title)
    {
        var plot = new ScottPlot.Plot();
        var ordered = importance.Reverse().ToList();
        var bars = ordered.Select((item, i) => new ScottPlot.Bar { Position = i, Value = item.Share * 100, Orientation = ScottPlot.Orientation.Horizontal }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, ordered.Count).Select(i => (double)i).ToArray(), ordered.Select(item => item.Flag.TrimStart('-')).ToArray());
        plot.Axes.SetLimitsX(0, 100);
        plot.Title(title);
        plot.XLabel("share of the objective's spread it explains alone, %");
        return plot.GetImageBytes(Training.RunLog.PlotWidth, Training.RunLog.PlotHeight, ScottPlot.ImageFormat.Png);
    }

    /// <summary>
    /// <c>parallel.png</c>: one line per scored trial across an axis per searched hyperparameter and one for the objective,
    /// each axis running from its low end (bottom) to its high end (top; a log range on the log scale, a choice by the
    /// order of its values). Lines are coloured by the objective from worst (dark) to best (bright), the best drawn on top,
    /// so the values good trials share stand out. A conditional hyperparameter's axis is skipped by trials without it.
    /// </summary>
    public static byte[] ParallelCoordinatesPlot(IReadOnlyList<SearchDimension> space, IReadOnlyList<Trial> trials, string objective, Func<double, double> toLoss, string title)
    {
        var scored = trials.Where(t => t.State is TrialState.Complete or TrialState.Pruned && t.Value is { } v && double.IsFinite(v))
            .OrderByDescending(t => toLoss(t.Value!.Value)).ToList();
        var plot = new ScottPlot.Plot();
        if (scored.Count > 0)
        {
            double lowest = scored.Min(t => t.Value!.Value), highest = scored.Max(t => t.Value!.Value);
            var colormap = new ScottPlot.Colormaps.Viridis();
            for (int rank = 0; rank < scored.Count; rank++)
            {
                var trial = scored[rank];
                var xs = new List<double>();
                var ys = new List<double>();
                for (int i = 0; i < space.Count; i++)
                {
                    if (!trial.Parameters.TryGetValue(space[i].Flag, out var text)) continue;
                    xs.Add(i);
                    ys.Add(Position(space[i], text));
                }
                xs.Add(space.Count);
                ys.Add(highest > lowest ? (trial.Value!.Value - lowest) / (highest - lowest) : 0.5);
                var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
                line.Color = colormap.GetColor(scored.Count == 1 ? 1 : (double)rank / (scored.Count - 1)).WithAlpha(trial.State == TrialState.Pruned ? 0.35 : 0.9);
                line.LineWidth = 1.5f;
                line.LinePattern = trial.State == TrialState.Pruned ? ScottPlot.LinePattern.Dashed : ScottPlot.LinePattern.Solid;
            }
            var positions = Enumerable.Range(0, space.Count + 1).Select(i => (double)i).ToArray();
            var labels = space.Select(d => $"{d.Flag.TrimStart('-')}\n{Ends(d)}")
                .Append($"{objective}\n{Number(lowest)}..{Number(highest)}").ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
            foreach (var x in positions) plot.Add.VerticalLine(x, 1, ScottPlot.Colors.Gray);
            plot.Axes.SetLimits(-0.25, space.Count + 0.25, -0.05, 1.05);
        }
        plot.Title(title + " (bright: best; dashed: pruned)");
        plot.YLabel("low end -> high end of each axis");
        return plot.GetImageBytes(Training.RunLog.PlotWidth, Training.RunLog.PlotHeight, ScottPlot.ImageFormat.Png);

        static double Position(SearchDimension dimension, string text)
        {
            double value = dimension.Numeric(text);
            if (dimension.Kind == SearchKind.Choice) return dimension.Choices.Count > 1 ? value / (dimension.Choices.Count - 1) : 0.5;
            double low = dimension.InternalLow, high = dimension.InternalHigh;
            return high > low ? (dimension.ToInternal(value) - low) / (high - low) : 0.5;
        }

        static string Ends(SearchDimension dimension) => dimension.Kind == SearchKind.Choice
            ? string.Join("|", dimension.Choices)
            : $"{dimension.Format(dimension.Low)}..{dimension.Format(dimension.High)}{(dimension.Log ? " log" : "")}";

        static string Number(double value) => value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
    }
}
