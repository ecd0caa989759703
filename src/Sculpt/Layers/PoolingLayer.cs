using System;
using System.Linq;
using static TorchSharp.torch;

namespace Sculpt.Layers;

/// <summary>
/// What Sculpt's pooling layers share: a square window, its stride (the window by default) and
/// padding, and the test for whether an input can take Sculpt's own stride-2 kernels instead of
/// libtorch's.
/// </summary>
public abstract class PoolingLayer : nn.Module<Tensor, Tensor>
{
    protected PoolingLayer(string name, long kernelSize, long? stride, long padding, bool ceilMode) : base(name)
    {
        CeilMode = ceilMode;
        if (kernelSize < 1) throw new ArgumentOutOfRangeException(nameof(kernelSize), $"must be at least 1; got {kernelSize}");
        Kernels = [kernelSize];
        Strides = [stride ?? kernelSize];
        Paddings = [padding];
    }

    /// <summary>A window with a size, stride and padding per pooled dim (<c>[3, 1]</c>); the stride defaults to the window.</summary>
    protected PoolingLayer(string name, long[] kernelSizes, long[]? strides, long[] paddings, bool ceilMode) : base(name)
    {
        CeilMode = ceilMode;
        if (kernelSizes.Any(k => k < 1)) throw new ArgumentOutOfRangeException(nameof(kernelSizes), $"each must be at least 1; got [{string.Join(", ", kernelSizes)}]");
        if ((strides ?? kernelSizes).Length != kernelSizes.Length || paddings.Length != kernelSizes.Length)
            throw new ArgumentException($"a window of {kernelSizes.Length} dims needs as many strides and paddings", nameof(strides));
        Kernels = kernelSizes;
        Strides = strides ?? kernelSizes;
        Paddings = paddings;
    }

    /// <summary>The window per pooled dim; one entry when it is the same for all.</summary>
    public long[] Kernels { get; }

    public long[] Strides { get; }

    public long[] Paddings { get; }

    /// <summary>Whether every pooled dim has the same window, stride and padding.</summary>
    public bool Square => Kernels.Length == 1;

    public long Kernel => Kernels[0];

    public long Stride => Strides[0];

    public long Padding => Paddings[0];

    /// <summary>PyTorch's <c>ceil_mode</c>: a last partial window counts.</summary>
    public bool CeilMode { get; }

    /// <summary>
    /// Whether Sculpt's kernel pools <paramref name="x"/>: windows of 2 with stride 2 and no
    /// padding, over a non-empty float32 CPU tensor under 2 GiB with one or two leading dims before
    /// the <paramref name="poolDims"/> pooled ones.
    /// </summary>
    protected bool TakesOwnKernel(Tensor x, int poolDims)
    {
        if (!Square || Kernel != 2 || Stride != 2 || Padding != 0 || CeilMode) return false;
        // The kernels read and write through Span<byte>, which holds at most int.MaxValue bytes; an
        // empty tensor goes to libtorch, which reports what is wrong with it.
        if (x.device_type != TorchSharp.DeviceType.CPU || x.dtype != ScalarType.Float32 || x.numel() == 0 || x.numel() > int.MaxValue / sizeof(float)) return false;
        long dims = x.dim();
        if (dims != poolDims + 1 && dims != poolDims + 2) return false;
        return x.size(-1) >= 2 && (poolDims == 1 || x.size(-2) >= 2);
    }
}
