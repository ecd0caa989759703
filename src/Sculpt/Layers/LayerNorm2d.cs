using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>
/// Layer normalisation over the channels of an image <c>[B, C, H, W]</c>, at every position, as ConvNeXt
/// normalises (torchvision's <c>LayerNorm2d</c>): a scale and a shift per channel. TorchSharp has no such module.
/// </summary>
public sealed class LayerNorm2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long[] _shape;
    private readonly double _eps;

    /// <param name="channels">The channel count C.</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    public LayerNorm2d(long channels, double eps = 1e-5) : base(nameof(LayerNorm2d))
    {
        weight = new Parameter(ones(channels));
        bias = new Parameter(zeros(channels));
        _shape = [channels];
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var normalized = nn.functional.layer_norm(x.permute(0, 2, 3, 1), _shape, weight, bias, _eps);
        return normalized.permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }
}
