using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

/// <summary>
/// Sculpt's pooling layers against libtorch's functions on the same tensors, forward and
/// backward, as interleaved pairs in one process with 2 threads.
/// </summary>
public static class PoolingKernels
{
    public static void Run(TextWriter output, int pairs)
    {
        torch.set_num_threads(2);
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        manual_seed(7);
        output.WriteLine($"{"pooling, forward + backward",-44} {"libtorch ms",11} {"Sculpt ms",10} {"ratio",6}   (medians of {pairs} interleaved pairs, 2 threads)");
        using var lenet = randn(64, 6, 28, 28).relu_();
        using var cnn = randn(64, 32, 28, 28).relu_();
        using var sequence = randn(64, 64, 256).relu_();
        using var max2d = new Sculpt.Layers.MaxPool2d(2);
        using var max1d = new Sculpt.Layers.MaxPool1d(2);
        using var avg2d = new Sculpt.Layers.AvgPool2d(2);
        Compare(output, pairs, "MaxPool2d(2), 64 x 6 x 28 x 28 (LeNet-5)", lenet, x => nn.functional.max_pool2d(x, 2), max2d.call);
        Compare(output, pairs, "MaxPool2d(2), 64 x 32 x 28 x 28", cnn, x => nn.functional.max_pool2d(x, 2), max2d.call);
        Compare(output, pairs, "MaxPool1d(2), 64 x 64 x 256", sequence, x => nn.functional.max_pool1d(x, 2), max1d.call);
        Compare(output, pairs, "AvgPool2d(2), 64 x 32 x 28 x 28", cnn, x => nn.functional.avg_pool2d(x, 2), avg2d.call);
    }

    private static void Compare(TextWriter output, int pairs, string name, Tensor input, Func<Tensor, Tensor> libtorch, Func<Tensor, Tensor> sculpt)
    {
        using var leaf = input.detach().requires_grad_();
        Action Step(Func<Tensor, Tensor> pool) => () =>
        {
            using var scope = NewDisposeScope();
            leaf.grad = null;
            pool(leaf).sum().backward();
        };
        var baseline = Step(libtorch);
        var candidate = Step(sculpt);
        for (int i = 0; i < 20; i++)
        {
            baseline();
            candidate();
        }
        var (theirs, ours, ratio) = Paired.Measure(baseline, candidate, pairs);
        output.WriteLine($"{name,-44} {theirs,11:F3} {ours,10:F3} {ratio,6:F2}");
    }
}
