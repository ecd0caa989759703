using System;
using System.Linq;
using Sculpt.Training;
using Xunit;

namespace Sculpt.Tests;

/// <summary>The run folder's plots, checked on what is given to ScottPlot and how it lays them out, not on pixels.</summary>
public class PlotTests
{
    private static EpochReport[] Epochs(int count, bool accuracy = true) =>
        Enumerable.Range(1, count)
            .Select(i => new EpochReport(i, i * 10, 1.0 / i, new Evaluation(1.5 / i, accuracy ? 0.5 + i / (2.0 * (count + 1)) : null, 100), 1000, TimeSpan.FromSeconds(1), 1e-3))
            .ToArray();

    [Fact]
    public void Accuracy_is_plotted_in_percent_as_the_console_prints_it()
    {
        var plots = RunLog.Curves(Epochs(3), "BlobTrainer");
        Assert.Equal(["loss.png", "accuracy.png"], plots.Select(p => p.File));
        var accuracy = plots[1];
        Assert.Equal("accuracy (%)", accuracy.YLabel);
        var series = Assert.Single(accuracy.Series);
        Assert.Equal([62.5, 75.0, 87.5], series.Values.Select(v => Math.Round(v, 9)));
        Assert.Equal([1.0, 2.0, 3.0], series.Epochs);
        // Losses stay as they are; a regression run has no accuracy plot.
        Assert.Equal([1.0, 0.5, 1.0 / 3], plots[0].Series.Single(s => s.Name == "train").Values);
        Assert.Equal(["loss.png"], RunLog.Curves(Epochs(3, accuracy: false), "T").Select(p => p.File));
    }

    [Fact]
    public void Each_family_of_validation_metrics_gets_a_plot_of_its_own()
    {
        var epochs = Epochs(3, accuracy: false).Select(e => e with
        {
            Validation = e.Validation with { Metrics = new System.Collections.Generic.Dictionary<string, double> { ["reward_chosen"] = e.Epoch, ["reward_rejected"] = -e.Epoch, ["kl"] = 0.1 * e.Epoch } },
        }).ToArray();
        var plots = RunLog.Curves(epochs, "Rlhf");
        Assert.Equal(["loss.png", "reward.png", "kl.png"], plots.Select(p => p.File));
        Assert.Equal(["reward_chosen", "reward_rejected"], plots[1].Series.Select(s => s.Name));
        Assert.Equal([-1.0, -2, -3], plots[1].Series[1].Values);
        Assert.Equal("Rlhf: validation kl", plots[2].Title);
        Assert.Equal([0.1, 0.2, 0.30000000000000004], plots[2].Series.Single().Values);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(150)]
    public void The_epoch_axis_has_ticks_on_whole_epochs_only(int count)
    {
        foreach (var curves in RunLog.Curves(Epochs(count), "T"))
        {
            var plot = RunLog.Draw(curves);
            // Rendering lays the axes out and generates their ticks.
            plot.GetImageBytes(RunLog.PlotWidth, RunLog.PlotHeight, ScottPlot.ImageFormat.Png);
            var ticks = plot.Axes.Bottom.TickGenerator.Ticks;
            Assert.Contains(ticks, t => t.IsMajor);
            Assert.All(ticks, t => Assert.True(t.Position == Math.Round(t.Position), $"a tick at epoch {t.Position} ({curves.File}, {count} epochs)"));
            Assert.All(ticks.Where(t => t.IsMajor), t => Assert.Matches("^[0-9]+$", t.Label));
            Assert.Equal("epoch", plot.Axes.Bottom.Label.Text);
        }
    }

    [Fact]
    public void The_legend_sits_outside_the_data_area()
    {
        foreach (var curves in RunLog.Curves(Epochs(4), "T"))
        {
            var plot = RunLog.Draw(curves);
            plot.GetImageBytes(RunLog.PlotWidth, RunLog.PlotHeight, ScottPlot.ImageFormat.Png);
            // Nothing is drawn over the data: the legend is a panel beside it, right of the data area.
            Assert.False(plot.Legend.IsVisible);
            var panel = Assert.Single(plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>());
            Assert.Equal(ScottPlot.Edge.Right, panel.Edge);
            Assert.True(plot.LastRender.DataRect.Right < RunLog.PlotWidth - 40, $"the data area reaches {plot.LastRender.DataRect.Right} of {RunLog.PlotWidth} pixels");
            Assert.Equal(curves.Series.Select(s => s.Name), plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText));
        }
    }
}
