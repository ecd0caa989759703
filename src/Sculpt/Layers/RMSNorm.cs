using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>
/// Root-mean-square normalisation over the last dim (Zhang and Sennrich, 2019), which TorchSharp
/// lacks: <c>x / sqrt(mean(x^2) + eps) * weight</c>, with one learned scale per feature.
/// </summary>
public sealed class RMSNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public RMSNorm(long size, double eps = 1e-6) : base(nameof(RMSNorm))
    {
        weight = new Parameter(ones(size));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var scale = x.pow(2).mean([-1L], keepdim: true).add_(_eps).rsqrt_();
        return (x * scale * weight).MoveToOuterDisposeScope();
    }
}
