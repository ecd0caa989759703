using Sculpt.HyperParameters;
using Sculpt.MixedPrecision;
using TorchSharp;

namespace Sculpt.Training;

// Mixed precision (--precision): the low-precision copy of the weights the model computes with, the loss scaler of
// float16, and what to do on a device without the instructions.
public abstract partial class Trainer<TModel, TData, TConfig>
{
    private LowPrecisionWeights? _lowWeights;
    private LossScaler? _scaler;
    private Precision? _precision;
    private bool _gradientsFinite = true;

    /// <summary>The precision this trainer computes in: <c>Config.Precision</c>, unless <see cref="ChoosePrecision"/> fell back to float32.</summary>
    public Precision Precision => _precision ?? Config.Precision;

    /// <summary>The float16 loss scaler; null in other precisions.</summary>
    public LossScaler? LossScaler => _scaler;

    /// <summary>
    /// Settles the precision before training: <c>Config.Precision</c> where the device computes it, or, where it would only
    /// be emulated (a CPU without bfloat16 units), what <paramref name="fallback"/> says. Returns a line to tell the user,
    /// or null. Once the trainer has trained, the precision is settled and this returns null.
    /// </summary>
    /// <exception cref="HyperParameterException">The fallback is <see cref="PrecisionFallback.Refuse"/>.</exception>
    public string? ChoosePrecision(PrecisionFallback fallback)
    {
        if (_precision is not null) return null;
        string name = Config.Precision.ToString().ToLowerInvariant();
        if (PrecisionSupport.Lacks(Config.Precision, Device) is not { } lacks)
        {
            _precision = Config.Precision;
            return null;
        }
        switch (fallback)
        {
            case PrecisionFallback.Refuse:
                throw new HyperParameterException($"Option '--precision {name}': {lacks}; train with --precision fp32, or give --precision-fallback emulate to run {name} anyway.");
            case PrecisionFallback.Emulate:
                _precision = Config.Precision;
                return $"precision: {lacks}; running {name} anyway (--precision-fallback emulate)";
            default:
                _precision = Precision.Fp32;
                return $"precision: {lacks}; training in float32 instead (--precision-fallback refuse stops, emulate runs {name} anyway)";
        }
    }

    /// <summary>After the flat buffers are built: the low-precision copy of them, and for float16 the loss scaler.</summary>
    private void PreparePrecision(Optimization.FlatParameters parameters)
    {
        _precision ??= Config.Precision;
        if (_precision == Precision.Fp32) return;
        _lowWeights?.Dispose();
        _lowWeights = new LowPrecisionWeights(parameters, _precision == Precision.Bf16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float16);
        _scaler ??= _precision == Precision.Fp16 ? new LossScaler() : null;
    }

    /// <summary>What backward leaves to do: the low-precision gradients into the float32 ones, the group's sum, and unscaling.</summary>
    private void FinishBackward()
    {
        _lowWeights?.MergeGradients();
        if (_group.Size > 1) ShareGradients();
        if (_scaler is { } scaler) _gradientsFinite = scaler.Unscale(FusedOptimizer.Parameters.Gradients);
    }

    /// <summary>Back-propagates <paramref name="loss"/> times the process's share of the batch and the float16 loss scale.</summary>
    private void WeightedBackward(torch.Tensor loss)
    {
        double weight = (_group.Size == 1 ? 1 : _share) * (_scaler?.Scale ?? 1);
        if (weight == 1)
        {
            loss.backward();
            return;
        }
        using var scalar = weight.ToScalar();
        loss.mul(scalar).backward();
    }

    /// <summary>
    /// The optimizer's step, after <see cref="Backpropagate"/> (and any clipping): skipped when float16 gradients
    /// overflowed (the loss scale shrinks instead); afterwards the low-precision weights are refreshed from the float32 ones.
    /// </summary>
    protected void OptimizerStep()
    {
        if (_scaler is { } scaler && !scaler.Update(_gradientsFinite)) return;
        FusedOptimizer.Step();
        _lowWeights?.Refresh();
    }

    private void ReleasePrecision()
    {
        _lowWeights?.Dispose();
        _lowWeights = null;
    }
}
