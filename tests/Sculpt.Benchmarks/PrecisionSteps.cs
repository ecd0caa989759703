using System;
using System.IO;
using System.Linq;
using Sculpt.MixedPrecision;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

/// <summary>
/// Mixed precision against float32, side by side: the same generated trainer stepping in float32 and in bf16 (and fp16),
/// interleaved in one process (<see cref="Paired"/>), for the GPT workload and TinyGpt's model. On a CPU without bfloat16
/// units libtorch emulates it (the trainers are told to, to measure what that costs); the first lines say which this is. <c>-- precision [pairs] [rounds]</c>.
/// </summary>
public static class PrecisionSteps
{
    // Fewer than the other benchmarks' 50: an emulated step can take a second, and 10 already reach a steady time.
    private const int WarmUp = 10;

    public static void Run(int pairs, int rounds, TextWriter output)
    {
        global::Sculpt.Backend.ProcessSettings.ForTraining(threads: 2).Apply();
        foreach (var precision in new[] { Precision.Bf16, Precision.Fp16 })
            output.WriteLine($"{precision}: {PrecisionSupport.Lacks(precision, CPU) ?? "computed by this CPU's own instructions"}");
        output.WriteLine($"{"workload",-10} {"precision",-9} {"fp32 ms",8} {"mixed ms",9} {"ratio: median [min, max] of rounds",36}   ({pairs} interleaved pairs a round, 2 threads)");
        var workloads = new (string Name, Func<Precision, (IDisposable Trainer, Func<Tensor, Tensor, Tensor> Step)> Create, int Vocabulary, int Batch)[]
        {
            ("GPT", p =>
            {
                var trainer = new GptTrainer(new GptBenchConfig { Precision = p });
                trainer.ChoosePrecision(PrecisionFallback.Emulate);
                return (trainer, trainer.TrainStep);
            }, 256, 16),
            ("TinyGpt", p =>
            {
                var trainer = new TinyGpt.GptTrainer(new TinyGpt.GptConfig { Precision = p });
                trainer.ChoosePrecision(PrecisionFallback.Emulate);
                return (trainer, trainer.TrainStep);
            }, 97, new TinyGpt.GptConfig().BatchSize),
        };
        foreach (var (name, create, vocabulary, batch) in workloads)
        {
            foreach (var precision in new[] { Precision.Bf16, Precision.Fp16 })
            {
                using var input = randint(0, vocabulary, [batch, 64]);
                using var target = randint(0, vocabulary, [batch, 64]);
                var ratios = new double[rounds];
                double full = 0, mixed = 0;
                for (int round = 0; round < rounds; round++)
                {
                    var (fullTrainer, fullStep) = create(Precision.Fp32);
                    var (mixedTrainer, mixedStep) = create(precision);
                    using (fullTrainer)
                    using (mixedTrainer)
                    {
                        for (int i = 0; i < WarmUp; i++)
                        {
                            fullStep(input, target).Dispose();
                            mixedStep(input, target).Dispose();
                        }
                        (full, mixed, ratios[round]) = Paired.Measure(() => fullStep(input, target).Dispose(), () => mixedStep(input, target).Dispose(), pairs);
                    }
                }
                Array.Sort(ratios);
                output.WriteLine($"{name,-10} {precision,-9} {full,8:F2} {mixed,9:F2} {$"{ratios[rounds / 2]:F2} [{ratios[0]:F2}, {ratios[^1]:F2}]",36}");
            }
        }
    }
}
