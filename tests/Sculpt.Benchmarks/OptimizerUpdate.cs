using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

/// <summary>
/// The optimizer update alone, for the deep MLP (66 parameter tensors): idiomatic
/// <c>torch.optim.AdamW(weight_decay: 0.01).step()</c> in a dispose scope, against Sculpt's fused
/// AdamW over the flat buffers, as interleaved pairs in one process. Both sides update from the
/// gradients of one real backward pass, kept for every step.
/// </summary>
public static class OptimizerUpdate
{
    public static void Run(TextWriter output, int pairs)
    {
        torch.set_num_threads(2);
        manual_seed(7);
        using var input = randn(64, 128);
        using var target = randint(0, 10, 64);

        using var trainer = new DeepMlpTrainer(new BenchConfig());
        // TrainStep zeroes the gradients first and leaves this step's in the flat buffer.
        trainer.TrainStep(input, target).Dispose();
        var fused = trainer.FusedOptimizer;

        manual_seed(42);
        using var hand = new DeepMlpStep.HandDeepMlp();
        using var adamW = optim.AdamW(hand.parameters(), lr: 1e-3, weight_decay: 0.01);
        using (var scope = NewDisposeScope())
        {
            nn.functional.cross_entropy(hand.call(input), target).backward();
        }

        void Idiomatic()
        {
            using var scope = NewDisposeScope();
            adamW.step();
        }
        for (int i = 0; i < 50; i++)
        {
            Idiomatic();
            fused.Step();
        }
        var (idiomatic, sculpt, ratio) = Paired.Measure(Idiomatic, fused.Step, pairs);
        output.WriteLine($"deep MLP optimizer update (66 tensors, {fused.Parameters.Count:N0} values), medians of {pairs} interleaved pairs, 2 threads:");
        output.WriteLine($"  torch.optim.AdamW  {idiomatic,8:F3} ms");
        output.WriteLine($"  Sculpt fused AdamW {sculpt,8:F3} ms");
        output.WriteLine($"  ratio              {ratio,8:F3}   (target <= 0.07)");
    }
}
