using System;
using System.Collections.Generic;
using System.Linq;
using Sculpt.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// Each fused optimizer against TorchSharp's own (a C# loop per parameter) on twin models: the same
/// start, the same 20 batches, weight decay on weights but not on biases and norm scales (param
/// groups on TorchSharp's side). After 20 steps every parameter agrees within 1e-6, relative.
/// </summary>
public class OptimizerTests
{
    private const int Steps = 20;

    [Fact]
    public void AdamW_matches_torch_optim_AdamW() => AssertTwins(
        flat => new FusedAdam(flat, 1e-2, weightDecay: 0.1),
        (decayed, rest) => optim.AdamW([new AdamW.ParamGroup(decayed, lr: 1e-2, weight_decay: 0.1), new AdamW.ParamGroup(rest, lr: 1e-2, weight_decay: 0)], lr: 1e-2));

    [Fact]
    public void Adam_with_l2_matches_torch_optim_Adam() => AssertTwins(
        flat => new FusedAdam(flat, 1e-2, beta1: 0.8, beta2: 0.99, weightDecay: 0.05, decoupled: false),
        (decayed, rest) => optim.Adam([new Adam.ParamGroup(decayed, lr: 1e-2, beta1: 0.8, beta2: 0.99, weight_decay: 0.05), new Adam.ParamGroup(rest, lr: 1e-2, beta1: 0.8, beta2: 0.99)], lr: 1e-2));

    [Fact]
    public void Sgd_with_momentum_matches_torch_optim_SGD() => AssertTwins(
        flat => new FusedSgd(flat, 0.05, momentum: 0.9, weightDecay: 0.01),
        (decayed, rest) => optim.SGD([new SGD.ParamGroup(decayed, lr: 0.05, momentum: 0.9, weight_decay: 0.01), new SGD.ParamGroup(rest, lr: 0.05, momentum: 0.9)], 0.05));

    [Fact]
    public void Sgd_with_nesterov_momentum_matches_torch_optim_SGD() => AssertTwins(
        flat => new FusedSgd(flat, 0.05, momentum: 0.9, nesterov: true),
        (decayed, rest) => optim.SGD([new SGD.ParamGroup(decayed, lr: 0.05, momentum: 0.9, nesterov: true), new SGD.ParamGroup(rest, lr: 0.05, momentum: 0.9, nesterov: true)], 0.05));

    [Fact]
    public void Lion_matches_its_published_update_rule()
    {
        // Chen et al. 2023, Algorithm 2, per parameter: c = b1*m + (1-b1)*g; p -= lr*(sign(c) + wd*p); m = b2*m + (1-b2)*g.
        const double lr = 1e-3, beta1 = 0.9, beta2 = 0.99, decay = 0.1;
        var (fused, reference) = Twins();
        using var flat = new FlatParameters(fused);
        using var lion = new FusedLion(flat, lr, beta1, beta2, decay);
        var momenta = reference.parameters().ToDictionary(p => p.Handle, p => zeros_like(p));
        for (int step = 0; step < Steps; step++)
        {
            using var scope = NewDisposeScope();
            var (input, target) = Batch(step);
            lion.ZeroGrad();
            Loss(fused, input, target).backward();
            lion.Step();

            reference.zero_grad();
            Loss(reference, input, target).backward();
            using (no_grad())
            {
                foreach (var (name, p) in reference.named_parameters())
                {
                    var m = momenta[p.Handle];
                    var update = (m * beta1 + p.grad! * (1 - beta1)).sign();
                    double wd = p.dim() >= 2 ? decay : 0;
                    p.sub_((update + p * wd) * lr);
                    m.mul_(beta2).add_(p.grad!, alpha: 1 - beta2);
                }
            }
        }
        AssertSame(fused, reference);
    }

    [Fact]
    public void Parameters_and_gradients_are_views_into_the_flat_buffers_decayed_first()
    {
        var (model, _) = Twins();
        using var flat = new FlatParameters(model);
        Assert.Equal(model.parameters().Sum(p => p.numel()), flat.Slots.Sum(s => s.Elements));
        Assert.All(flat.Slots, s => Assert.Equal(0, s.Offset % 16));
        Assert.All(flat.Slots.Take(2), s => Assert.True(s.Decays));
        Assert.Equal(flat.Slots.Where(s => s.Decays).Sum(s => s.Elements), flat.DecayedElements);
        using (no_grad()) flat.Values.fill_(0.5);
        Assert.All(model.parameters(), p => Assert.Equal(0.5f, p.mean().item<float>()));
        using (no_grad()) flat.Values.zero_();
        var (input, target) = Batch(0);
        Loss(model, input, target).backward();
        Assert.True(flat.Gradients.abs().sum().item<float>() > 0);
        Assert.Equal(flat.Gradients.abs().sum().item<float>(), model.parameters().Sum(p => p.grad!.abs().sum().item<float>()), 3);
    }

    [Fact]
    public void Clipping_scales_the_global_norm_like_clip_grad_norm()
    {
        var (fused, reference) = Twins();
        using var flat = new FlatParameters(fused);
        var (input, target) = Batch(1);
        (Loss(fused, input, target) * 100).backward();
        (Loss(reference, input, target) * 100).backward();
        using var norm = flat.ClipGradNorm(0.5);
        double expected = nn.utils.clip_grad_norm_(reference.parameters(), 0.5);
        Assert.Equal(expected, norm.item<float>(), 3);
        Assert.Equal(0.5, flat.Gradients.norm().item<float>(), 4);
        foreach (var ((name, a), (_, b)) in fused.named_parameters().Zip(reference.named_parameters()))
        {
            Assert.True(a.grad!.allclose(b.grad!, 1e-5, 1e-7), name);
        }
    }

    private static void AssertTwins(Func<FlatParameters, FusedOptimizer> createFused, Func<IEnumerable<Parameter>, IEnumerable<Parameter>, optim.Optimizer> createReference)
    {
        var (fused, reference) = Twins();
        using var flat = new FlatParameters(fused);
        using var optimizer = createFused(flat);
        using var torchOptimizer = createReference(reference.parameters().Where(p => p.dim() >= 2).ToList(), reference.parameters().Where(p => p.dim() < 2).ToList());
        for (int step = 0; step < Steps; step++)
        {
            using var scope = NewDisposeScope();
            var (input, target) = Batch(step);
            optimizer.ZeroGrad();
            Loss(fused, input, target).backward();
            optimizer.Step();

            torchOptimizer.zero_grad();
            Loss(reference, input, target).backward();
            torchOptimizer.step();
        }
        Assert.Equal(Steps, optimizer.Steps);
        AssertSame(fused, reference);
    }

    private static void AssertSame(nn.Module fused, nn.Module reference)
    {
        foreach (var ((name, a), (_, b)) in fused.named_parameters().Zip(reference.named_parameters()))
        {
            double difference = (a - b).abs().max().item<float>();
            double scale = b.abs().max().item<float>();
            Assert.True(difference <= 1e-6 * scale, $"{name}: max difference {difference} against max magnitude {scale}");
        }
    }

    /// <summary>Two identical small models: linear layers with biases, and a LayerNorm whose scale is not decayed.</summary>
    private static (nn.Module<Tensor, Tensor> Fused, nn.Module<Tensor, Tensor> Reference) Twins()
    {
        nn.Module<Tensor, Tensor> Make()
        {
            manual_seed(3);
            return nn.Sequential(nn.Linear(6, 16), nn.LayerNorm(16), nn.Tanh(), nn.Linear(16, 3));
        }
        return (Make(), Make());
    }

    private static (Tensor Input, Tensor Target) Batch(int step)
    {
        using var generator = new Generator((ulong)(100 + step));
        return (randn(new long[] { 8, 6 }, generator: generator), randint(0, 3, new long[] { 8 }, generator: generator));
    }

    private static Tensor Loss(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target) => nn.functional.cross_entropy(model.call(input), target);
}
