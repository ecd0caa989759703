using System;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>Applies an <see cref="InitScheme"/> to one layer's parameters, as the generated constructors do.</summary>
public static class Initialization
{
    /// <summary>A model's own learned tensor (<c>[Parameter]</c>) of <paramref name="shape"/>: N(0, <paramref name="std"/>) when it is above 0, else filled with <paramref name="fill"/>.</summary>
    public static TorchSharp.Modules.Parameter Learned(long[] shape, double std, double fill)
    {
        using var _ = no_grad();
        using var values = std > 0 ? normal(0, std, shape) : full(shape, fill);
        return new TorchSharp.Modules.Parameter(values.clone());
    }

    /// <summary>
    /// A norm's scale at one and shift at zero, as PyTorch starts them. TorchSharp 0.107's GroupNorm allocates both
    /// with <c>torch.empty</c> and leaves them uninitialised; the generated constructor passes its GroupNorm through here.
    /// </summary>
    /// <returns><paramref name="norm"/>.</returns>
    public static T OnesAndZeros<T>(T norm) where T : nn.Module
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in norm.named_parameters())
        {
            if (name == "weight") parameter.fill_(1);
            else if (name == "bias") parameter.zero_();
        }
        return norm;
    }

    /// <param name="layer">The layer's module.</param>
    /// <param name="scheme">The scheme; <see cref="InitScheme.Default"/> leaves the layer as built.</param>
    /// <param name="std">The standard deviation of <see cref="InitScheme.Normal"/>.</param>
    /// <param name="outputStd">The standard deviation for the layer's output projection (GPT-2's residual scaling); <paramref name="std"/> when not scaled.</param>
    public static void Apply(nn.Module layer, InitScheme scheme, double std, double outputStd)
    {
        if (scheme == InitScheme.Default) return;
        using var _ = no_grad();
        switch (layer)
        {
            case Linear linear:
                Weight(linear.weight, scheme, outputStd);
                Bias(linear.bias);
                break;
            case Conv1d conv:
                Weight(conv.weight!, scheme, std);
                Bias(conv.bias);
                break;
            case Conv2d conv:
                Weight(conv.weight!, scheme, std);
                Bias(conv.bias);
                break;
            case Embedding embedding:
                // The getter hands out a new wrapper over the same tensor; initialise through it and let it go.
                using (var weight = embedding.weight!) Weight(weight, scheme, std);
                break;
            case SelfAttention or CrossAttention:
                foreach (var (name, parameter) in layer.named_parameters())
                {
                    if (name.EndsWith(".bias", StringComparison.Ordinal)) Bias(parameter);
                    else Weight(parameter, scheme, name.StartsWith("Proj.", StringComparison.Ordinal) ? outputStd : std);
                }
                break;
            case RNN or LSTM or GRU:
                foreach (var (name, parameter) in layer.named_parameters())
                {
                    if (name.StartsWith("bias", StringComparison.Ordinal)) Bias(parameter);
                    else Weight(parameter, scheme, std);
                }
                break;
        }
    }

    private static void Weight(Tensor weight, InitScheme scheme, double std)
    {
        switch (scheme)
        {
            case InitScheme.Normal:
                nn.init.normal_(weight, 0, std);
                break;
            case InitScheme.XavierUniform:
                nn.init.xavier_uniform_(weight);
                break;
            case InitScheme.XavierNormal:
                nn.init.xavier_normal_(weight);
                break;
            case InitScheme.KaimingNormal:
                nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                break;
            case InitScheme.Zeros:
                nn.init.zeros_(weight);
                break;
        }
    }

    private static void Bias(Tensor? bias)
    {
        if (bias is not null) nn.init.zeros_(bias);
    }
}
