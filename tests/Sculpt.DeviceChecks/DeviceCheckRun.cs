using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.MixedPrecision;
using Sculpt.Optimization;
using Sculpt.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.DeviceChecks;

/// <summary>One check's outcome: the worst measured value against the bound it must stay within.</summary>
public sealed record CheckResult(string Check, string Case, double Measured, double Bound, string Unit)
{
    /// <summary>Within the bound; a NaN measurement never is.</summary>
    public bool Passed => Measured <= Bound;

    /// <summary>The worst of <paramref name="values"/>, NaN if any is (LINQ's Max would pass over a NaN).</summary>
    public static double Worst(IEnumerable<double> values) => values.Aggregate(0.0, (worst, value) => double.IsNaN(worst) || double.IsNaN(value) ? double.NaN : Math.Max(worst, value));

    public Dictionary<string, object> ToJson() => new()
    {
        ["check"] = Check, ["case"] = Case, ["measured"] = Measured, ["bound"] = Bound, ["unit"] = Unit, ["passed"] = Passed,
    };

    public override string ToString() =>
        $"{(Passed ? "PASS" : "FAIL")} {Check} {Case}: {Measured.ToString("G3", CultureInfo.InvariantCulture)} {Unit} (bound {Bound.ToString("G3", CultureInfo.InvariantCulture)})";
}

/// <summary>
/// The checks of the CUDA kit, each run on <c>device</c> against the CPU. Differences are relative: the largest
/// absolute difference of a tensor over the largest magnitude of the CPU's, so one bound serves tensors of any scale.
/// </summary>
public static class DeviceCheckRun
{
    // float32 on both sides, TF32 off (Devices.Open): what remains is the order of summation inside the kernels.
    private const double ForwardBound = 1e-4, GradientBound = 1e-3, OptimizerBound = 1e-5;
    private const double ResumeBound = 0.01, PrecisionBound = 0.02, LionShareBound = 1e-3;

    public static IReadOnlyList<CheckResult> Run(Device device, DeviceOptions options)
    {
        // Memory first: later checks leave blocks in libtorch's caching allocator that a leak could fill unseen.
        var all = new[] { "memory", "parity", "optimizers", "checkpoint", "precision" };
        var only = options.Optional("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? all;
        if (only.FirstOrDefault(name => !all.Contains(name)) is { } unknown) throw new UsageException($"'--only' knows {string.Join(", ", all)}; got '{unknown}'");
        int memorySteps = options.Number("--memory-steps", 1000, minimum: 200);
        Console.WriteLine($"device: {Devices.Name(device)} ({device}); reference: cpu");
        var results = new List<CheckResult>();
        int tinyGptEpochs = options.Number("--tinygpt-epochs", 2);
        var checks = new Dictionary<string, Func<IEnumerable<CheckResult>>>
        {
            ["memory"] = () => Memory(device, memorySteps),
            ["parity"] = () => Parity(device),
            ["optimizers"] = () => Optimizers(device),
            ["checkpoint"] = () => Checkpoints(device),
            ["precision"] = () => MixedPrecision(device, tinyGptEpochs),
        };
        foreach (var name in all.Where(only.Contains))
        {
            IReadOnlyList<CheckResult> found;
            try
            {
                found = checks[name]().ToList();
            }
            catch (Exception e) when (e is not UsageException and not DeviceUnavailableException)
            {
                // One check's failure (a libtorch error, memory) is its result; the others still run.
                found = [new CheckResult(name, $"threw {e.GetType().Name}: {e.Message.Split('\n')[0]}", double.NaN, 0, "")];
            }
            foreach (var result in found)
            {
                Console.WriteLine(result);
                results.Add(result);
            }
        }
        Console.WriteLine($"{results.Count(r => r.Passed)} of {results.Count} checks passed");
        return results;
    }

    /// <summary>The largest difference between <paramref name="actual"/> (any device) and <paramref name="expected"/> (CPU), relative to the largest magnitude of the expected.</summary>
    public static double RelativeDifference(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var onCpu = actual.detach().to(float32).cpu();
        var reference = expected.detach().to(float32).cpu();
        double scale = Math.Max(reference.abs().max().item<float>(), 1e-12);
        // A NaN or infinity where the reference is finite is no small difference.
        if (!onCpu.isfinite().all().item<bool>() && reference.isfinite().all().item<bool>()) return double.PositiveInfinity;
        return (onCpu - reference).abs().max().item<float>() / scale;
    }

    // ---- forward outputs and gradients of generated models ----

    private static IEnumerable<CheckResult> Parity(Device device)
    {
        var config = new CheckConfig();
        var cases = new (string Name, Func<nn.Module<Tensor, Tensor>> Create, Func<(Tensor Input, Tensor Target)> Batch)[]
        {
            ("mlp", () => new CheckMlp(config), () => (randn(16, 32), randint(0, 10, 16))),
            ("cnn-batchnorm", () => new CheckCnn(config), () => (randn(16, 3, 16, 16), randint(0, 10, 16))),
            ("gpt", () => new CheckGpt(config), () => (randint(0, 64, [8, 32]), randint(0, 64, [8, 32]))),
            ("lstm", () => new CheckLstm(config), () => (randint(0, 64, [8, 12]), randint(0, 5, 8))),
        };
        var results = new List<CheckResult>();
        foreach (var (name, create, batch) in cases)
        {
            using var scope = NewDisposeScope();
            torch.random.manual_seed(11);
            using var reference = create();
            using var onDevice = create();
            CopyState(reference, onDevice);
            onDevice.to(device);
            var (input, target) = batch();
            var expected = ForwardBackward(reference, input, target);
            var actual = ForwardBackward(onDevice, input.to(device), target.to(device));
            results.Add(new CheckResult("parity", $"{name} forward", RelativeDifference(actual.Output, expected.Output), ForwardBound, "relative"));
            double gradients = CheckResult.Worst(actual.Gradients.Keys.Select(key => RelativeDifference(actual.Gradients[key], expected.Gradients[key])));
            results.Add(new CheckResult("parity", $"{name} gradients", gradients, GradientBound, "relative"));
            // Batch norm's running statistics, updated by the training-mode forward.
            var buffers = reference.named_buffers().ToDictionary(b => b.name, b => b.buffer);
            if (buffers.Count > 0)
            {
                double worst = CheckResult.Worst(onDevice.named_buffers().Select(b => RelativeDifference(b.buffer, buffers[b.name])));
                results.Add(new CheckResult("parity", $"{name} running statistics", worst, ForwardBound, "relative"));
            }
        }
        return results;
    }

    private static void CopyState(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        var source = from.state_dict();
        foreach (var (name, tensor) in to.state_dict()) tensor.copy_(source[name]);
    }

    private static (Tensor Output, Dictionary<string, Tensor> Gradients) ForwardBackward(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target)
    {
        model.train();
        model.zero_grad();
        var output = model.call(input);
        var loss = output.dim() == 3
            ? nn.functional.cross_entropy(output.flatten(0, 1), target.flatten())
            : nn.functional.cross_entropy(output, target);
        loss.backward();
        return (output.detach(), model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone()));
    }

    // ---- the fused optimizers ----

    private static IEnumerable<CheckResult> Optimizers(Device device)
    {
        var config = new CheckConfig();
        var optimizers = new (string Name, Func<FlatParameters, FusedOptimizer> Create)[]
        {
            ("adamw", parameters => new FusedAdam(parameters, 1e-2, weightDecay: 0.1)),
            ("adam", parameters => new FusedAdam(parameters, 1e-2, weightDecay: 0.1, decoupled: false)),
            ("sgd-nesterov", parameters => new FusedSgd(parameters, 1e-2, momentum: 0.9, nesterov: true, weightDecay: 1e-4)),
            ("lion", parameters => new FusedLion(parameters, 1e-3, weightDecay: 0.1)),
        };
        var results = new List<CheckResult>();
        foreach (var (name, create) in optimizers)
        {
            using var scope = NewDisposeScope();
            torch.random.manual_seed(5);
            using var reference = new CheckMlp(config);
            using var onDevice = new CheckMlp(config);
            CopyState(reference, onDevice);
            onDevice.to(device);
            using var referenceParameters = new FlatParameters(reference);
            using var deviceParameters = new FlatParameters(onDevice);
            using var referenceOptimizer = create(referenceParameters);
            using var deviceOptimizer = create(deviceParameters);
            using var gradients = new Generator(3);
            for (int step = 0; step < 20; step++)
            {
                using var gradient = randn(referenceParameters.Gradients.shape, generator: gradients);
                referenceParameters.Gradients.copy_(gradient);
                deviceParameters.Gradients.copy_(gradient);
                referenceOptimizer.Step();
                deviceOptimizer.Step();
            }
            if (name == "lion")
            {
                // Lion steps by the sign of a momentum mix: where that mix is within rounding of zero the devices may
                // step opposite ways (2 x the rate apart). What is compared is the share of weights that differ.
                using var apart = (deviceParameters.Values.cpu() - referenceParameters.Values).abs() > 1e-6;
                double share = apart.to(float32).mean().item<float>();
                results.Add(new CheckResult("optimizers", $"{name}, 20 steps: share of weights apart by over 1e-6", share, LionShareBound, "share"));
                results.Add(new CheckResult("optimizers", $"{name}, 20 steps: state", CheckResult.Worst(deviceOptimizer.State.Select(s => RelativeDifference(s.Value, referenceOptimizer.State[s.Key]))), OptimizerBound, "relative"));
                continue;
            }
            double worst = CheckResult.Worst(deviceOptimizer.State.Select(s => RelativeDifference(s.Value, referenceOptimizer.State[s.Key]))
                .Prepend(RelativeDifference(deviceParameters.Values, referenceParameters.Values)));
            results.Add(new CheckResult("optimizers", $"{name}, 20 steps: weights and state", worst, OptimizerBound, "relative"));
        }
        return results;
    }

    // ---- checkpoints across devices ----

    private static IEnumerable<CheckResult> Checkpoints(Device device)
    {
        var (train, validation) = (CopyTask(256, 1), CopyTask(64, 2));
        var results = new List<CheckResult>();
        foreach (var (writer, reader) in new[] { (device, torch.CPU), (torch.CPU, device) })
        {
            string folder = Path.Combine(Path.GetTempPath(), $"sculpt-device-checkpoint-{Guid.NewGuid():N}");
            try
            {
                double straight = Fit(writer, train, validation, new FitOptions()).Final.Validation.Loss;
                var stopped = Fit(writer, train, validation, new FitOptions { CheckpointFolder = Path.Combine(folder, "first"), StopAfterStep = 10 });
                var resumed = Fit(reader, train, validation, new FitOptions { CheckpointFolder = Path.Combine(folder, "second"), ResumeFrom = stopped.LastCheckpoint });
                double difference = Math.Abs(resumed.Final.Validation.Loss - straight) / straight;
                results.Add(new CheckResult("checkpoint", $"written on {writer.type} at step 10, resumed on {reader.type}: validation loss vs uninterrupted", difference, ResumeBound, "relative"));
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }
        return results;
    }

    /// <summary>Sequences of 32 tokens whose targets are each token plus one: learnable in a few dozen steps.</summary>
    private static TensorDataset CopyTask(int count, int seed)
    {
        using var generator = new Generator((ulong)seed);
        var tokens = randint(0, 64, [count, 32], generator: generator);
        return new TensorDataset(tokens, (tokens + 1).remainder(64));
    }

    private static FitResult Fit(Device device, TensorDataset train, TensorDataset validation, FitOptions options)
    {
        using var trainer = new CheckGptTrainer(new CheckConfig(), device);
        return trainer.Fit(train, validation, SilentProgress.Instance, options);
    }

    // ---- mixed precision on TinyGpt ----

    private static IEnumerable<CheckResult> MixedPrecision(Device device, int epochs)
    {
        var splits = TinyGpt.FortunesCorpus.Splits(TinyGpt.FortunesCorpus.ReadText());
        double Train(Precision precision)
        {
            using var trainer = new TinyGpt.GptTrainer(new TinyGpt.GptConfig { Precision = precision, Epochs = epochs }, device);
            var result = trainer.Fit(splits.Train, splits.Validation, SilentProgress.Instance, new FitOptions { PrecisionFallback = PrecisionFallback.Emulate });
            Console.WriteLine($"  tinygpt {precision}: validation loss {result.Final.Validation.Loss:F4} after {result.Final.Step} steps, {result.Elapsed.TotalSeconds:F1} s");
            return result.Final.Validation.Loss;
        }
        double float32 = Train(Precision.Fp32);
        var results = new List<CheckResult>();
        foreach (var precision in new[] { Precision.Bf16, Precision.Fp16 })
        {
            results.Add(new CheckResult("precision", $"tinygpt {precision}, {epochs} epochs: validation loss vs fp32", Math.Abs(Train(precision) - float32) / float32, PrecisionBound, "relative"));
        }
        return results;
    }

    // ---- memory over a long run ----

    private static IEnumerable<CheckResult> Memory(Device device, int steps)
    {
        using var trainer = new TinyGpt.GptTrainer(new TinyGpt.GptConfig(), device);
        using var generator = new Generator(1);
        // As the generated command line trains: the runtime's youngest generation collected every 500 steps, so the
        // CPU's reading is tensors and caches, not managed garbage waiting for a collection (docs/performance.md).
        var garbage = new GarbageBound();
        garbage.FitStarted(1, 0, 0, steps, 0);
        int earlyStep = steps / 4;
        double early = 0;
        long earlyTensors = 0;
        for (int step = 1; step <= steps; step++)
        {
            using (var scope = NewDisposeScope())
            {
                var tokens = randint(0, 97, [64, 65], generator: generator).to(device);
                trainer.TrainStep(tokens.narrow(1, 0, 64), tokens.narrow(1, 1, 64));
            }
            garbage.Step(1, step, step, 0, 0);
            if (step == earlyStep)
            {
                Devices.Synchronize(device);
                early = Devices.UsedMemoryMiB(device);
                earlyTensors = LiveTensors();
            }
        }
        Devices.Synchronize(device);
        double late = Devices.UsedMemoryMiB(device);
        // Whatever the allocator keeps, a step must leave no tensor behind: TorchSharp's count of live ones is exact.
        long lateTensors = LiveTensors();
        yield return new CheckResult("memory", $"tinygpt {steps} steps: {earlyTensors} live tensors at step {earlyStep}, {lateTensors} at the end; more", lateTensors - earlyTensors, 0, "tensors");
        // Allowed: 2% of what step `earlyStep` used, at least 16 MiB (allocator rounding, the runtime's own growth).
        yield return new CheckResult("memory", $"tinygpt {steps} steps: {early:F0} MiB at step {earlyStep}, {late:F0} MiB at the end; growth", late - early, Math.Max(16, 0.02 * early), "MiB");
    }

    /// <summary>TorchSharp's count of live tensors, once abandoned ones have been finalized.</summary>
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }
}
