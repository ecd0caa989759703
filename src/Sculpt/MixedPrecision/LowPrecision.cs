using System;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.MixedPrecision;

/// <summary>
/// The calls generated layer methods make, so that a model's precision plan is in its generated code: the generator
/// marks which layers compute in low precision (<see cref="Linear"/>, <see cref="Convolution"/>, attention's projections)
/// and which take float32 (<see cref="Float32"/>: norms, transposed convolutions, recurrent layers), and a trainer under <c>--precision bf16|fp16</c> makes
/// its low-precision weights current (<see cref="Use"/>) while its model runs. With none current (float32 training, or
/// the model called outside a trainer) each call is the plain one.
/// </summary>
public static class LowPrecision
{
    [ThreadStatic] private static LowPrecisionWeights? t_current;

    /// <summary>The low-precision weights layers compute with on this thread now; null in float32.</summary>
    public static LowPrecisionWeights? Current => t_current;

    /// <summary>Makes <paramref name="weights"/> current on this thread until the scope is disposed (null: float32).</summary>
    public static Scope Use(LowPrecisionWeights? weights)
    {
        var saved = t_current;
        t_current = weights;
        return new Scope(saved);
    }

    /// <summary>A linear layer: in low precision on the weights' low-precision twins when some are current, else as the module computes.</summary>
    public static Tensor Linear(Linear layer, Tensor x)
    {
        if (t_current is not { } low) return layer.call(x);
        var input = x.to(low.DType);
        var output = nn.functional.linear(input, low.Of(layer.weight!), layer.bias is { } bias ? low.Of(bias) : null);
        // A LoRA adapter is the layer's forward hook, which this functional call does not run.
        return Layers.LowRankAdapter.Of(layer) is { } adapter ? adapter.Add(output, input, low.Of) : output;
    }

    /// <summary>
    /// A convolution (1-3 spatial dims): in low precision on the weights' twins when some are current, with the module's
    /// stride, padding, dilation and groups; else as the module computes. Padding modes other than zeros, which pad the
    /// input before the product, keep the module's own float32 path.
    /// </summary>
    public static Tensor Convolution(Convolution layer, Tensor x)
    {
        if (t_current is not { } low) return layer.call(x);
        if (layer.transposed || layer.padding_mode != TorchSharp.PaddingModes.Zeros) return layer.call(Widened(x));
        var input = x.to(low.DType);
        var weight = low.Of(layer.weight);
        var bias = layer.bias is { } b ? low.Of(b) : null;
        return (layer, layer.padding_type) switch
        {
            (Conv1d, { } same) => nn.functional.conv1d_padding(input, weight, bias, layer.stride[0], same, layer.dilation[0], layer.groups),
            (Conv1d, null) => nn.functional.conv1d(input, weight, bias, layer.stride[0], layer.padding![0], layer.dilation[0], layer.groups),
            (Conv2d, { } same) => nn.functional.conv2d_padding(input, weight, bias, layer.stride, same, layer.dilation, layer.groups),
            (Conv2d, null) => nn.functional.conv2d(input, weight, bias, layer.stride, layer.padding, layer.dilation, layer.groups),
            (Conv3d, { } same) => nn.functional.conv3d_padding(input, weight, bias, layer.stride, same, layer.dilation, layer.groups),
            (Conv3d, null) => nn.functional.conv3d(input, weight, bias, layer.stride, layer.padding, layer.dilation, layer.groups),
            _ => layer.call(Widened(x)),
        };
    }

    /// <summary>The input of a layer that computes in float32 (a norm, a convolution): widened when it comes in low precision.</summary>
    public static Tensor Float32(Tensor x) => t_current is null ? x : Widened(x);

    /// <summary><paramref name="x"/> in float32 if it is bfloat16 or float16 (a loss's input), else itself.</summary>
    public static Tensor Widened(Tensor x) => x.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? x.to(ScalarType.Float32) : x;

    public readonly struct Scope(LowPrecisionWeights? saved) : IDisposable
    {
        public void Dispose() => t_current = saved;
    }
}
