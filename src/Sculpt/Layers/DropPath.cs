using System;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>
/// Stochastic depth (Huang et al., 2016), as ConvNeXt, ViT and EfficientNet put on their residual branches:
/// in training, each sample's whole input is dropped with probability <c>p</c> and the rest scaled by
/// <c>1 / (1 - p)</c>; identity in eval mode. TorchSharp has no such module.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    private readonly double _keep;

    /// <param name="probability">The chance that a sample's branch is dropped, in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">The probability is outside [0, 1).</exception>
    public DropPath(double probability) : base(nameof(DropPath))
    {
        if (!(probability >= 0 && probability < 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "DropPath needs a probability in [0, 1).");
        _keep = 1 - probability;
    }

    public override Tensor forward(Tensor x)
    {
        if (!training || _keep == 1) return x.alias();
        using var scope = NewDisposeScope();
        // One draw per sample, broadcast over the rest of its dims.
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.size(0);
        var keep = empty(shape, x.dtype, x.device).bernoulli_(_keep).div_(_keep);
        return (x * keep).MoveToOuterDisposeScope();
    }
}
