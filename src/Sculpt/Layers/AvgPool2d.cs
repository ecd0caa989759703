using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>
/// Average pooling over 2-D windows, computing exactly what <c>torch.nn.AvgPool2d</c> computes,
/// with a vectorised path for 2 x 2 windows with stride 2 and no padding on a float32 CPU tensor.
/// </summary>
/// <remarks>
/// libtorch's CPU kernel for NCHW average pooling is scalar: on a 64 x 32 x 28 x 28 input it took
/// 2.2 ms forward and as long backward, against 0.1 ms for a ReLU over the same tensor. The path
/// here adds each window's four elements in libtorch's order (row-major, from zero) and divides by
/// four, so the values are bit-identical; backward gives each element a quarter of its window's
/// gradient, as libtorch's does. Every other configuration and device calls libtorch.
/// </remarks>
public sealed class AvgPool2d : PoolingLayer
{
    public AvgPool2d(long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false) : base(nameof(AvgPool2d), kernelSize, stride, padding, ceilMode)
    {
    }

    /// <summary>A window of its own height and width (<c>[3, 1]</c>), with a stride and padding per dim.</summary>
    public AvgPool2d(long[] kernelSizes, long[]? strides = null, long[]? paddings = null, bool ceilMode = false)
        : base(nameof(AvgPool2d), kernelSizes, strides, paddings ?? new long[kernelSizes.Length], ceilMode)
    {
    }

    public override Tensor forward(Tensor x)
    {
        if (!Square) return nn.functional.avg_pool2d(x, Kernels, Strides, Paddings, ceil_mode: CeilMode);
        if (!TakesOwnKernel(x, poolDims: 2)) return nn.functional.avg_pool2d(x, Kernel, Stride, Padding, ceil_mode: CeilMode);
        return x.requires_grad && is_grad_enabled() ? WindowAverage.apply(x) : WindowAverage.Forward(x);
    }
}

/// <summary>The 2 x 2, stride-2 average pooling behind <see cref="AvgPool2d"/>, as an autograd function.</summary>
internal sealed class WindowAverage : autograd.SingleTensorFunction<WindowAverage>
{
    public override string Name => "AvgPool2dBackward";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        ctx.save_data("shape", x.shape);
        return Forward(x);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        var shape = (long[])ctx.get_data("shape");
        if (gradient.requires_grad && is_grad_enabled())
        {
            // A graph of the backward itself (create_graph: gradient penalties, Hessian-vector
            // products) needs libtorch's differentiable backward; only the input's shape is read.
            using var input = empty(shape, dtype: ScalarType.Float32, device: CPU);
            return [nn.functional.avg_pool2d_backward(gradient, input, [2, 2], [2, 2], [0, 0], false, true, null)];
        }
        return [Backward(gradient, shape)];
    }

    /// <summary>Each window's mean: <c>(((0 + a) + b) + c) + d</c>, then divided by 4, as libtorch sums.</summary>
    public static Tensor Forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.is_contiguous() ? input : input.contiguous();
        int height = (int)x.size(-2), width = (int)x.size(-1), outHeight = height / 2, outWidth = width / 2;
        long planes = x.numel() / ((long)height * width);
        var shape = x.shape;
        shape[^2] = outHeight;
        shape[^1] = outWidth;
        var output = empty(shape, dtype: ScalarType.Float32, device: CPU);
        ReadOnlySpan<float> source = MemoryMarshal.Cast<byte, float>(x.bytes);
        Span<float> target = MemoryMarshal.Cast<byte, float>(output.bytes);
        ref float start = ref MemoryMarshal.GetReference(source);
        var four = Vector128.Create(4f);
        for (int plane = 0; plane < planes; plane++)
        {
            for (int row = 0; row < outHeight; row++)
            {
                int top = (plane * height + 2 * row) * width, bottom = top + width;
                int outRow = (plane * outHeight + row) * outWidth;
                int column = 0;
                if (Sse.IsSupported)
                {
                    // Four windows: 8 floats of each row, split into left (even) and right (odd) columns.
                    for (; column + 4 <= outWidth; column += 4)
                    {
                        var top0 = Vector128.LoadUnsafe(ref start, (nuint)(top + 2 * column));
                        var top1 = Vector128.LoadUnsafe(ref start, (nuint)(top + 2 * column + 4));
                        var bottom0 = Vector128.LoadUnsafe(ref start, (nuint)(bottom + 2 * column));
                        var bottom1 = Vector128.LoadUnsafe(ref start, (nuint)(bottom + 2 * column + 4));
                        var sum = Sse.Add(Vector128<float>.Zero, Sse.Shuffle(top0, top1, 0b10_00_10_00));
                        sum = Sse.Add(sum, Sse.Shuffle(top0, top1, 0b11_01_11_01));
                        sum = Sse.Add(sum, Sse.Shuffle(bottom0, bottom1, 0b10_00_10_00));
                        sum = Sse.Add(sum, Sse.Shuffle(bottom0, bottom1, 0b11_01_11_01));
                        Sse.Divide(sum, four).CopyTo(target.Slice(outRow + column, 4));
                    }
                }
                for (; column < outWidth; column++)
                {
                    float sum = 0f;
                    sum += source[top + 2 * column];
                    sum += source[top + 2 * column + 1];
                    sum += source[bottom + 2 * column];
                    sum += source[bottom + 2 * column + 1];
                    target[outRow + column] = sum / 4f;
                }
            }
        }
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>A quarter of each window's gradient to each of its four elements; zero to rows and columns no window covers.</summary>
    public static Tensor Backward(Tensor gradientOutput, long[] inputShape)
    {
        using var scope = NewDisposeScope();
        var gradient = gradientOutput.is_contiguous() ? gradientOutput : gradientOutput.contiguous();
        int height = (int)inputShape[^2], width = (int)inputShape[^1], outHeight = height / 2, outWidth = width / 2;
        bool covered = height % 2 == 0 && width % 2 == 0;
        var result = covered ? empty(inputShape, dtype: ScalarType.Float32, device: CPU) : zeros(inputShape, dtype: ScalarType.Float32, device: CPU);
        long planes = result.numel() / ((long)height * width);
        ReadOnlySpan<float> source = MemoryMarshal.Cast<byte, float>(gradient.bytes);
        Span<float> target = MemoryMarshal.Cast<byte, float>(result.bytes);
        ref float start = ref MemoryMarshal.GetReference(source);
        var four = Vector128.Create(4f);
        for (int plane = 0; plane < planes; plane++)
        {
            for (int row = 0; row < outHeight; row++)
            {
                int top = (plane * height + 2 * row) * width, bottom = top + width;
                int outRow = (plane * outHeight + row) * outWidth;
                int column = 0;
                if (Sse.IsSupported)
                {
                    for (; column + 4 <= outWidth; column += 4)
                    {
                        // Added to zero, as libtorch adds into a zeroed gradient: a -0 becomes +0.
                        var quarter = Sse.Add(Vector128<float>.Zero, Sse.Divide(Vector128.LoadUnsafe(ref start, (nuint)(outRow + column)), four));
                        // q0 q0 q1 q1 and q2 q2 q3 q3: each value to both columns of its window.
                        var left = Sse.UnpackLow(quarter, quarter);
                        var right = Sse.UnpackHigh(quarter, quarter);
                        left.CopyTo(target.Slice(top + 2 * column, 4));
                        right.CopyTo(target.Slice(top + 2 * column + 4, 4));
                        left.CopyTo(target.Slice(bottom + 2 * column, 4));
                        right.CopyTo(target.Slice(bottom + 2 * column + 4, 4));
                    }
                }
                for (; column < outWidth; column++)
                {
                    float quarter = 0f + source[outRow + column] / 4f;
                    target[top + 2 * column] = quarter;
                    target[top + 2 * column + 1] = quarter;
                    target[bottom + 2 * column] = quarter;
                    target[bottom + 2 * column + 1] = quarter;
                }
            }
        }
        return result.MoveToOuterDisposeScope();
    }
}
