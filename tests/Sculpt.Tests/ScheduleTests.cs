using System;
using System.Linq;
using Sculpt.Optimization;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>Each schedule against TorchSharp's scheduler of the same name, step by step.</summary>
public class ScheduleTests
{
    private const double Rate = 0.1;

    [Fact]
    public void Step_decay_matches_StepLR()
    {
        var ours = new LearningRateSchedule(Schedule.Step, Rate, stepsPerEpoch: 3, epochs: 9, factor: 0.5, decayEvery: 2);
        var reference = Reference((optimizer) => optim.lr_scheduler.StepLR(optimizer, 2, 0.5), epochs: 9, stepsPerEpoch: 3, stepEveryBatch: false);
        Assert.Equal(reference, Enumerable.Range(1, 27).Select(s => ours.Rate(s)), new Close());
    }

    [Fact]
    public void One_cycle_matches_OneCycleLR()
    {
        var ours = new LearningRateSchedule(Schedule.OneCycle, Rate, stepsPerEpoch: 10, epochs: 5);
        var reference = Reference((optimizer) => optim.lr_scheduler.OneCycleLR(optimizer, Rate, total_steps: 50, cycle_momentum: false), epochs: 5, stepsPerEpoch: 10, stepEveryBatch: true);
        Assert.Equal(reference, Enumerable.Range(1, 50).Select(s => ours.Rate(s)), new Close());
    }

    [Fact]
    public void Warmup_then_cosine_rises_linearly_and_matches_CosineAnnealingLR_after()
    {
        var ours = new LearningRateSchedule(Schedule.WarmupCosine, Rate, stepsPerEpoch: 10, epochs: 4, warmupSteps: 10, minimum: 0.001);
        Assert.Equal(Enumerable.Range(1, 10).Select(s => Rate * s / 10), Enumerable.Range(1, 10).Select(s => ours.Rate(s)), new Close());
        // After warmup, cosine annealing over the remaining 30 steps: CosineAnnealingLR with T_max 30.
        var reference = Reference((optimizer) => optim.lr_scheduler.CosineAnnealingLR(optimizer, 30, 0.001), epochs: 1, stepsPerEpoch: 31, stepEveryBatch: true);
        Assert.Equal(reference.Skip(1), Enumerable.Range(11, 30).Select(s => ours.Rate(s)), new Close());
        Assert.Equal(0.001, ours.Rate(40), 12);
    }

    [Fact]
    public void Plateau_lowers_the_rate_as_ReduceLROnPlateau_does()
    {
        double[] losses = [1.0, 0.9, 0.9, 0.95, 0.91, 0.5, 0.6, 0.7, 0.8, 0.4];
        var ours = new LearningRateSchedule(Schedule.Plateau, Rate, stepsPerEpoch: 1, epochs: 10, factor: 0.5, patience: 2, minimum: 0.02);
        using var parameter = zeros(1).requires_grad_();
        using var optimizer = optim.SGD([new TorchSharp.Modules.Parameter(parameter)], Rate);
        var scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor: 0.5, patience: 2, min_lr: [0.02]);
        foreach (double loss in losses)
        {
            ours.EpochCompleted(loss);
            scheduler.step(loss);
            Assert.Equal(optimizer.ParamGroups.First().LearningRate, ours.Rate(1), 12);
        }
        Assert.Equal(0.025, ours.Rate(1), 12);
    }

    /// <summary>The rate TorchSharp's scheduler gives each step (or each epoch's steps).</summary>
    private static double[] Reference(Func<optim.Optimizer, optim.lr_scheduler.LRScheduler> create, int epochs, int stepsPerEpoch, bool stepEveryBatch)
    {
        using var parameter = zeros(1).requires_grad_();
        using var optimizer = optim.SGD([new TorchSharp.Modules.Parameter(parameter)], Rate);
        var scheduler = create(optimizer);
        var rates = new double[epochs * stepsPerEpoch];
        for (int i = 0; i < rates.Length; i++)
        {
            rates[i] = optimizer.ParamGroups.First().LearningRate;
            optimizer.step();
            if (stepEveryBatch || (i + 1) % stepsPerEpoch == 0) scheduler.step();
        }
        return rates;
    }

    private sealed class Close : System.Collections.Generic.IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(b));

        public int GetHashCode(double value) => 0;
    }
}
