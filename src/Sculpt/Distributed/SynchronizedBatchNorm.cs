using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Sculpt.Distributed;

/// <summary>
/// Batch normalisation over the whole batch of a data-parallel group instead of each process's part (what PyTorch's
/// SyncBatchNorm does): in training, every batch-norm layer normalises with the mean and variance of all the group's
/// rows, its running statistics take those, and its gradient flows back through them to every process. With it, N
/// processes train exactly as one process with the whole batch (up to rounding); without it each process normalises its
/// own rows, as PyTorch's DistributedDataParallel does by default. It costs one small collective per layer forward and
/// one backward. Attached as forward hooks, so the generated models are unchanged: the layer's own output is replaced.
/// </summary>
internal static class SynchronizedBatchNorm
{
    /// <summary>Makes every batch-norm layer of <paramref name="model"/> normalise over <paramref name="group"/>'s batch; dispose to detach.</summary>
    public static IDisposable Attach(torch.nn.Module model, ProcessGroup group)
    {
        var removers = new List<Action>();
        foreach (var (_, module) in model.named_modules())
        {
            if (module is not (BatchNorm1d or BatchNorm2d or BatchNorm3d)) continue;
            var norm = (NormBase)module;
            var layer = (torch.nn.Module<torch.Tensor, torch.Tensor>)module;
            // The layer's own forward moves its running statistics by this process's rows; they are put back and moved by the group's.
            torch.Tensor? savedMean = null, savedVariance = null;
            var before = layer.register_forward_pre_hook((_, input) =>
            {
                if (norm.training && norm.track_running_stats && norm.running_mean is not null)
                {
                    savedMean = norm.running_mean.clone().DetachFromDisposeScope();
                    savedVariance = norm.running_var!.clone().DetachFromDisposeScope();
                }
                return input;
            });
            removers.Add(before.remove);
            var after = layer.register_forward_hook((_, input, output) =>
            {
                if (!norm.training) return output;
                var result = Normalize(norm, input, group, savedMean, savedVariance);
                savedMean?.Dispose();
                savedVariance?.Dispose();
                savedMean = savedVariance = null;
                return result;
            });
            removers.Add(after.remove);
        }
        return new Detacher(removers);
    }

    private static torch.Tensor Normalize(NormBase norm, torch.Tensor x, ProcessGroup group, torch.Tensor? savedMean, torch.Tensor? savedVariance)
    {
        long channels = x.size(1);
        long[] reduced = Enumerable.Range(0, (int)x.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
        long[] broadcast = Enumerable.Range(0, (int)x.dim()).Select(d => d == 1 ? channels : 1L).ToArray();
        long rows = x.numel() / Math.Max(1, channels);
        torch.Tensor mean, variance, total;
        using (var scope = torch.NewDisposeScope())
        {
            // Sums in float64: E[x^2] - E[x]^2 over a large batch loses float32's digits.
            var wide = x.to(torch.float64);
            var sums = torch.cat([wide.sum(reduced), wide.square().sum(reduced), torch.tensor(new[] { (double)rows }, device: x.device)]);
            var all = GroupSum.Apply(sums, group);
            total = all[2 * channels].detach();
            mean = all.narrow(0, 0, channels) / total;
            variance = (all.narrow(0, channels, channels) / total - mean.square()).clamp_min(0);
            mean = mean.MoveToOuterDisposeScope();
            variance = variance.MoveToOuterDisposeScope();
            total = total.MoveToOuterDisposeScope();
        }
        using var noGradScope = torch.NewDisposeScope();
        if (savedMean is not null && savedVariance is not null)
        {
            using var noGrad = torch.no_grad();
            double count = total.item<double>();
            // PyTorch's update: momentum, or a cumulative average when momentum is None; the unbiased variance.
            double factor = norm.momentum ?? 1.0 / Math.Max(1, norm.num_batches_tracked!.item<long>());
            var unbiased = variance.detach() * (count / Math.Max(1, count - 1));
            norm.running_mean!.copy_(savedMean * (1 - factor) + mean.detach().to(savedMean.dtype) * factor);
            norm.running_var!.copy_(savedVariance * (1 - factor) + unbiased.to(savedVariance.dtype) * factor);
        }
        var normalized = (x - mean.to(x.dtype).view(broadcast)) * (variance + norm.eps).rsqrt().to(x.dtype).view(broadcast);
        if (norm.affine) normalized = normalized * norm.weight!.view(broadcast) + norm.bias!.view(broadcast);
        mean.Dispose();
        variance.Dispose();
        total.Dispose();
        return normalized.MoveToOuterDisposeScope();
    }

    private sealed class Detacher(List<Action> removers) : IDisposable
    {
        public void Dispose()
        {
            foreach (var remove in removers) remove();
            removers.Clear();
        }
    }
}

/// <summary>
/// The sum of a tensor over the group, as an autograd operation: every process's result depends on every process's
/// input, so the gradient reaching each input is the sum of the gradients of all the results, one more collective.
/// </summary>
internal sealed class GroupSum : torch.autograd.SingleTensorFunction<GroupSum>
{
    public override string Name => nameof(GroupSum);

    public static torch.Tensor Apply(torch.Tensor tensor, ProcessGroup group) => apply(tensor, group);

    public override torch.Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var group = (ProcessGroup)vars[1];
        ctx.save_data("group", group);
        var sum = ((torch.Tensor)vars[0]).contiguous().clone();
        group.SumInPlace(sum);
        return sum;
    }

    public override List<torch.Tensor> backward(torch.autograd.AutogradContext ctx, torch.Tensor grad_output)
    {
        var group = (ProcessGroup)ctx.get_data("group");
        var sum = grad_output.contiguous().clone();
        group.SumInPlace(sum);
        // One gradient per argument of apply: the group has none.
        return [sum, null!];
    }
}
