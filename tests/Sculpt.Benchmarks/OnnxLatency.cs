using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using Sculpt.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

/// <summary>
/// ONNX Runtime on an exported model against Sculpt's evaluation forward of the same model, same inputs, same thread
/// count, interleaved in rounds: per-call latency of each and the ratio, median and spread over the rounds.
/// </summary>
public static class OnnxLatency
{
    public static void Run(int rounds, TextWriter output)
    {
        int threads = torch.get_num_threads();
        output.WriteLine($"ONNX Runtime vs Sculpt's eval forward, {threads} thread(s), {rounds} rounds of 50 calls each, interleaved");
        output.WriteLine("model                    batch  Sculpt ms/call  ORT ms/call  ORT/Sculpt median [min, max]");
        var cases = new List<(string Name, nn.Module<Tensor, Tensor> Model, Func<Tensor> Input)>
        {
            ("MLP 784-512-512-10", new Mlp(new BenchConfig()), () => randn(128, 784)),
            ("LeNet-5 (28x28)", new LeNet5(new BenchConfig()), () => randn(128, 1, 28, 28)),
            ("GPT 4x128, T=64", new SmallGpt(new GptBenchConfig()), () => randint(0, 256, new long[] { 16, 64 })),
        };
        foreach (var (name, model, input) in cases)
        {
            using (model)
            {
                model.eval();
                var exportable = (IOnnxExportable)model;
                using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
                using var session = new InferenceSession(OnnxExport.ToBytes(exportable), options);
                using var x = input();
                var feed = x.dtype == ScalarType.Int64
                    ? NamedOnnxValue.CreateFromTensor(exportable.OnnxInputs[0].Name, new DenseTensor<long>(x.data<long>().ToArray(), x.shape.Select(d => (int)d).ToArray()))
                    : NamedOnnxValue.CreateFromTensor(exportable.OnnxInputs[0].Name, new DenseTensor<float>(x.data<float>().ToArray(), x.shape.Select(d => (int)d).ToArray()));
                void Sculpt()
                {
                    using var _ = no_grad();
                    model.call(x).Dispose();
                }
                void Ort() => session.Run([feed]).Dispose();
                for (int i = 0; i < 10; i++) { Sculpt(); Ort(); }
                var ratios = new List<double>();
                double sculptTotal = 0, ortTotal = 0;
                for (int round = 0; round < rounds; round++)
                {
                    double s = Time(Sculpt), o = Time(Ort);
                    sculptTotal += s;
                    ortTotal += o;
                    ratios.Add(o / s);
                }
                ratios.Sort();
                output.WriteLine(FormattableString.Invariant(
                    $"{name,-24} {x.shape[0],5}  {sculptTotal / rounds,14:F3}  {ortTotal / rounds,11:F3}  {ratios[ratios.Count / 2],6:F2} [{ratios[0]:F2}, {ratios[^1]:F2}]"));
            }
        }
    }

    /// <summary>Milliseconds per call over 50 calls.</summary>
    private static double Time(Action call)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 50; i++) call();
        return clock.Elapsed.TotalMilliseconds / 50;
    }
}
