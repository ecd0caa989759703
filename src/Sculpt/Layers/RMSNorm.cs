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
    // Made once: a double passed to a tensor op becomes a native Scalar that only the finalizer frees.
    private readonly Scalar _eps;

    public RMSNorm(long size, double eps = 1e-6) : base(nameof(RMSNorm))
    {
        weight = new Parameter(ones(size));
        Eps = eps;
        _eps = eps.ToScalar();
        RegisterComponents();
    }

    /// <summary>The learned scale, one per feature.</summary>
    public Parameter Weight => weight;

    /// <summary>What is added to the mean square before its root.</summary>
    public double Eps { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var scale = x.square().mean([-1L], keepdim: true).add_(_eps).rsqrt_();
        return (x * scale * weight).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _eps.Dispose();
        base.Dispose(disposing);
    }
}
