using System;
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
        Kernel = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
    }

    public long Kernel { get; }

    public long Stride { get; }

    public long Padding { get; }

    /// <summary>PyTorch's <c>ceil_mode</c>: a last partial window counts.</summary>
    public bool CeilMode { get; }

    /// <summary>
    /// Whether Sculpt's kernel pools <paramref name="x"/>: windows of 2 with stride 2 and no
    /// padding, over a non-empty float32 CPU tensor under 2 GiB with one or two leading dims before
    /// the <paramref name="poolDims"/> pooled ones.
    /// </summary>
    protected bool TakesOwnKernel(Tensor x, int poolDims)
    {
        if (Kernel != 2 || Stride != 2 || Padding != 0 || CeilMode) return false;
        // The kernels read and write through Span<byte>, which holds at most int.MaxValue bytes; an
        // empty tensor goes to libtorch, which reports what is wrong with it.
        if (x.device_type != TorchSharp.DeviceType.CPU || x.dtype != ScalarType.Float32 || x.numel() == 0 || x.numel() > int.MaxValue / sizeof(float)) return false;
        long dims = x.dim();
        if (dims != poolDims + 1 && dims != poolDims + 2) return false;
        return x.size(-1) >= 2 && (poolDims == 1 || x.size(-2) >= 2);
    }
}
