using System;
using System.Collections.Generic;
using Sculpt.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sculpt.MixedPrecision;

/// <summary>
/// A low-precision copy of a model's flat float32 parameters (<see cref="FlatParameters"/>), for the layers mixed
/// precision runs in bfloat16 or float16: one buffer of values, refreshed with one cast of the whole float32 buffer
/// after each optimizer step, and one of gradients, which backward fills and <see cref="MergeGradients"/> adds into the
/// float32 gradients (so sums over micro-batches and processes are float32). Each parameter has a low-precision twin,
/// a view into these buffers, that the layers compute with.
/// </summary>
public sealed class LowPrecisionWeights : IDisposable
{
    private readonly FlatParameters _master;
    private readonly Dictionary<IntPtr, Parameter> _twins = new();

    public LowPrecisionWeights(FlatParameters master, ScalarType dtype)
    {
        _master = master;
        DType = dtype;
        using var noGrad = no_grad();
        // Built on first use, often inside a training step's dispose scope, which must not take them.
        using var scope = NewDisposeScope();
        Values = master.Values.to(dtype).DetachFromDisposeScope();
        Gradients = zeros_like(Values).DetachFromDisposeScope();
        foreach (var (slot, parameter) in master.Entries)
        {
            var twin = new Parameter(empty(0, dtype: dtype, device: Values.device));
            twin.DetachFromDisposeScope();
            using (var value = Values.narrow(0, slot.Offset, slot.Elements).view(slot.Shape)) twin.set_(value);
            twin.grad = Gradients.narrow(0, slot.Offset, slot.Elements).view(slot.Shape);
            _twins[parameter.Handle] = twin;
        }
    }

    /// <summary>The low precision: bfloat16 or float16.</summary>
    public ScalarType DType { get; }

    /// <summary>The low-precision values, in the layout of the float32 ones.</summary>
    public Tensor Values { get; }

    /// <summary>The gradients with respect to <see cref="Values"/>, until <see cref="MergeGradients"/> moves them.</summary>
    public Tensor Gradients { get; }

    /// <summary>The low-precision twin of a float32 parameter; a parameter outside the flat buffers (a frozen one) is cast as it is.</summary>
    public Tensor Of(Tensor parameter) => _twins.TryGetValue(parameter.Handle, out var twin) ? twin : parameter.to(DType);

    /// <summary>Copies the float32 values in: after each optimizer step, and after weights are loaded.</summary>
    public void Refresh()
    {
        using var noGrad = no_grad();
        Values.copy_(_master.Values);
    }

    /// <summary>Adds the low-precision gradients into the float32 ones and zeroes them.</summary>
    public void MergeGradients()
    {
        using var noGrad = no_grad();
        _master.Gradients.add_(Gradients);
        Gradients.zero_();
    }

    public void ZeroGrad() => Gradients.zero_();

    public void Dispose()
    {
        foreach (var twin in _twins.Values) twin.Dispose();
        Values.Dispose();
        Gradients.Dispose();
    }
}
