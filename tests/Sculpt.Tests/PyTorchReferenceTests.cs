using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Sculpt.Optimization;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// The fused optimizers and the schedules against numbers real PyTorch produced
/// (References/make_pytorch_references.py, run once with Debian's python3-torch; its output is
/// committed as References/pytorch-references.json). The inputs are closed formulas, so both
/// sides start from the same float32 values and see the same gradients.
/// </summary>
public class PyTorchReferenceTests
{
    private static readonly JsonElement References = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "References", "pytorch-references.json"))).RootElement;

    public static TheoryData<string> Optimizers() => new(References.GetProperty("optimizers").EnumerateArray().Select(o => o.GetProperty("name").GetString()!));

    public static TheoryData<string> Schedules() => new(References.GetProperty("schedules").EnumerateArray().Select(o => o.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Each_step_of_the_fused_optimizer_matches_torch_optim(string name)
    {
        var reference = Case("optimizers", name).GetProperty("trajectory").EnumerateArray().ToList();
        using var layer = nn.Linear(3, 4);
        using (no_grad())
        {
            layer.weight!.copy_(Values([4, 3], i => Start(i, 0.1)));
            layer.bias!.copy_(Values([4], i => Start(i, 0.7)));
        }
        using var flat = new FlatParameters(layer);
        using var optimizer = Create(name, flat);
        for (int step = 0; step < reference.Count; step++)
        {
            optimizer.ZeroGrad();
            using (no_grad())
            {
                layer.weight!.grad!.copy_(Values([4, 3], i => Gradient(i, step, 0.0)));
                layer.bias!.grad!.copy_(Values([4], i => Gradient(i, step, 0.5)));
            }
            optimizer.Step();
            AssertClose(reference[step].GetProperty("weight"), layer.weight!, $"{name}, weight after step {step + 1}");
            AssertClose(reference[step].GetProperty("bias"), layer.bias!, $"{name}, bias after step {step + 1}");
        }
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Each_step_of_the_schedule_matches_torch_lr_scheduler(string name)
    {
        var reference = Case("schedules", name);
        double rate = References.GetProperty("rate").GetDouble();
        int steps = References.GetProperty("schedule_steps").GetInt32();
        int perEpoch = References.GetProperty("steps_per_epoch").GetInt32();
        double Number(string key, double otherwise) => reference.TryGetProperty(key, out var value) ? value.GetDouble() : otherwise;
        var schedule = new LearningRateSchedule(Enum.Parse<Schedule>(name), rate, perEpoch, steps / perEpoch,
            warmupSteps: (long)Number("warmup_steps", 0), minimum: Number("minimum", 0), factor: Number("decay_factor", 0.1),
            decayEvery: (int)Number("decay_every", 10), patience: (int)Number("patience", 2));
        var losses = reference.TryGetProperty("losses", out var l) ? l.EnumerateArray().Select(v => v.GetDouble()).ToArray() : null;
        var expected = reference.GetProperty("rates").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(steps, expected.Length);
        for (int step = 1; step <= steps; step++)
        {
            double ours = schedule.Rate(step);
            Assert.True(Math.Abs(ours - expected[step - 1]) <= 1e-12 + 1e-9 * Math.Abs(expected[step - 1]), $"{name}, step {step}: Sculpt {ours:R}, PyTorch {expected[step - 1]:R}");
            if (step % perEpoch == 0 && losses is not null) schedule.EpochCompleted(losses[step / perEpoch - 1]);
        }
    }

    private static FusedOptimizer Create(string name, FlatParameters flat) => name switch
    {
        "AdamW lr=1e-2 wd=0.1" => new FusedAdam(flat, 1e-2, weightDecay: 0.1),
        "Adam lr=1e-2 betas=(0.8,0.99) l2=0.05" => new FusedAdam(flat, 1e-2, beta1: 0.8, beta2: 0.99, weightDecay: 0.05, decoupled: false),
        "SGD lr=0.05 momentum=0.9 wd=0.01" => new FusedSgd(flat, 0.05, momentum: 0.9, weightDecay: 0.01),
        "SGD lr=0.05 nesterov momentum=0.9" => new FusedSgd(flat, 0.05, momentum: 0.9, nesterov: true),
        _ => throw new ArgumentException($"no Sculpt optimizer is set up for the reference case '{name}'"),
    };

    private static JsonElement Case(string kind, string name) =>
        References.GetProperty(kind).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    // The script's formulas, in double and rounded once to float32.
    private static double Start(int index, double offset) => Math.Sin(0.37 * index + offset);

    private static double Gradient(int index, int step, double offset) =>
        (index + step) % 7 == 0 ? 0.0 : Math.Cos(0.91 * index + 1.3 * step + offset) * (1 + 0.1 * step);

    private static Tensor Values(long[] shape, Func<int, double> value)
    {
        int count = (int)shape.Aggregate(1L, (a, b) => a * b);
        return tensor(Enumerable.Range(0, count).Select(i => (float)value(i)).ToArray()).reshape(shape);
    }

    /// <summary>Within a few float32 roundings: libtorch 2.10 and PyTorch 1.13 may fuse the same update differently.</summary>
    private static void AssertClose(JsonElement expected, Tensor actual, string what)
    {
        var values = expected.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var ours = actual.detach().flatten().data<float>().ToArray();
        Assert.Equal(values.Length, ours.Length);
        for (int i = 0; i < values.Length; i++)
        {
            double tolerance = 2e-6 * Math.Max(1, Math.Abs(values[i]));
            Assert.True(Math.Abs(ours[i] - values[i]) <= tolerance, $"{what}, element {i}: Sculpt {ours[i]:R}, PyTorch {values[i]:R}");
        }
    }
}
