using System;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Benchmarks;

/// <summary>
/// Sculpt's causal <c>SelfAttention</c> layer against the same layer written with libtorch's
/// <c>scaled_dot_product_attention</c> (same weights), forward and backward, at sequence lengths
/// either side of the point where the layer switches to libtorch's kernel; interleaved pairs in
/// one process with 2 threads.
/// </summary>
public static class AttentionKernels
{
    public static void Run(TextWriter output, int pairs)
    {
        torch.set_num_threads(2);
        Sculpt.Backend.NativeBackend.EnsureLoaded();
        manual_seed(7);
        output.WriteLine($"{"causal self-attention, dim 128, 4 heads",-40} {"libtorch ms",11} {"Sculpt ms",10} {"ratio",6}   (forward + backward, medians of {pairs} interleaved pairs, 2 threads)");
        foreach (var (batch, time) in new[] { (16L, 64L), (8L, 128L), (4L, 256L), (2L, 512L), (1L, 1024L) })
        {
            Compare(output, pairs, batch, time);
        }
    }

    private static void Compare(TextWriter output, int pairs, long batch, long time)
    {
        const long Dim = 128, Heads = 4;
        using var layer = new Sculpt.Layers.SelfAttention(Dim, Heads, causal: true);
        var weights = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Tensor Fused(Tensor x)
        {
            var qkv = nn.functional.linear(x, weights["Qkv.weight"], weights["Qkv.bias"]).view(batch, time, 3, Heads, Dim / Heads).permute(2, 0, 3, 1, 4);
            var attended = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], is_casual: true);
            return nn.functional.linear(attended.transpose(1, 2).reshape(batch, time, Dim), weights["Proj.weight"], weights["Proj.bias"]);
        }
        using var leaf = randn(batch, time, Dim).requires_grad_();
        Action Step(Func<Tensor, Tensor> attend) => () =>
        {
            using var scope = NewDisposeScope();
            leaf.grad = null;
            layer.zero_grad();
            attend(leaf).sum().backward();
        };
        var baseline = Step(Fused);
        var candidate = Step(layer.call);
        for (int i = 0; i < 10; i++)
        {
            baseline();
            candidate();
        }
        var (theirs, ours, ratio) = Paired.Measure(baseline, candidate, (int)Math.Max(20, pairs * 64 / time));
        output.WriteLine($"{$"batch {batch}, {time} tokens",-40} {theirs,11:F3} {ours,10:F3} {ratio,6:F2}");
    }
}
