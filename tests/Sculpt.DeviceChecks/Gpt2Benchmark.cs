using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Sculpt.Benchmarks;
using Sculpt.MixedPrecision;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.DeviceChecks;

/// <summary>
/// A GPT-2 small (124M) training step: TinyGpt's declared model at GPT-2's sizes (12 pre-norm blocks of width 768 with
/// 12 heads and an MLP of 3072, 1024 learned positions, 50257 tokens, the head tied to the token embedding, no
/// dropout), the generated fused AdamW step, random tokens. tools/cuda/gpt2_pytorch.py is the same model and step in
/// PyTorch eager with fused AdamW, and prints the same fields.
/// </summary>
public static class Gpt2Benchmark
{
    public const int Vocabulary = 50257, Dim = 768, Heads = 12, Mlp = 3072;

    public static Dictionary<string, object> Run(Device device, DeviceOptions options)
    {
        var precision = options.Text("--precision", "fp32") switch
        {
            "fp32" => Precision.Fp32,
            "bf16" => Precision.Bf16,
            "fp16" => Precision.Fp16,
            var other => throw new UsageException($"'--precision' expects fp32, bf16 or fp16, got '{other}'"),
        };
        int batch = options.Number("--batch", 8), context = options.Number("--context", 1024), layers = options.Number("--layers", 12);
        int steps = options.Number("--steps", 20), warmup = options.Number("--warmup", 5, minimum: 0);
        var config = new TinyGpt.GptConfig
        {
            Vocabulary = Vocabulary, Context = context, Dim = Dim, Heads = Heads, Layers = layers, Mlp = Mlp,
            BatchSize = batch, Precision = precision, LearningRate = 6e-4, WeightDecay = 0.1,
        };
        using var trainer = new TinyGpt.GptTrainer(config, device);
        if (trainer.ChoosePrecision(PrecisionFallback.Emulate) is { } note) Console.WriteLine(note);
        // Counted once each, as PyTorch counts them: the tied head shares the token embedding's tensor.
        long parameters = trainer.Model.parameters().DistinctBy(p => p.Handle).Sum(p => p.numel());
        using var generator = new Generator(1);
        using var tokens = randint(0, Vocabulary, [batch, context + 1], generator: generator).to(device);
        using var input = tokens.narrow(1, 0, context);
        using var target = tokens.narrow(1, 1, context);
        float firstLoss = 0;
        for (int step = 0; step < warmup; step++)
        {
            using var scope = NewDisposeScope();
            var loss = trainer.TrainStep(input, target);
            if (step == 0) firstLoss = loss.to(float32).item<float>();
        }
        Devices.Synchronize(device);
        var clock = Stopwatch.StartNew();
        float lastLoss = 0;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var loss = trainer.TrainStep(input, target);
            if (step == steps - 1) lastLoss = loss.to(float32).item<float>();
        }
        Devices.Synchronize(device);
        double seconds = clock.Elapsed.TotalSeconds;
        double memory = Devices.UsedMemoryMiB(device);
        double tokensPerSecond = (double)batch * context * steps / seconds;
        // Training does three forwards' work (the forward, and backward's two products per forward product).
        double flopsPerToken = 3 * ExampleFlops.Gpt(context, Dim, layers, Mlp, Vocabulary) / context;
        double achieved = flopsPerToken * tokensPerSecond;
        string name = Devices.Name(device);
        double? peak = DenseBf16Peak(name);
        var record = new Dictionary<string, object>
        {
            ["implementation"] = "sculpt", ["device"] = name, ["precision"] = precision.ToString().ToLowerInvariant(),
            ["parameters"] = parameters, ["batch"] = batch, ["context"] = context, ["layers"] = layers, ["steps"] = steps,
            ["step_ms"] = 1000 * seconds / steps, ["tokens_per_second"] = tokensPerSecond, ["memory_mib"] = memory,
            ["tflops"] = achieved / 1e12, ["first_loss"] = firstLoss, ["last_loss"] = lastLoss,
        };
        if (peak is { } bf16Peak) record["mfu"] = achieved / bf16Peak;
        Console.WriteLine(string.Join(" ", record.Select(pair => $"{pair.Key}={pair.Value}")));
        return record;
    }

    /// <summary>The card's dense bfloat16 tensor-core peak in FLOP/s, for the cards the kit is lent (null for others).</summary>
    public static double? DenseBf16Peak(string deviceName) => deviceName switch
    {
        _ when deviceName.Contains("H100", StringComparison.Ordinal) && deviceName.Contains("PCIe", StringComparison.Ordinal) => 756e12,
        _ when deviceName.Contains("H100", StringComparison.Ordinal) || deviceName.Contains("H200", StringComparison.Ordinal) => 989e12,
        _ => null,
    };
}
