using System;

namespace Sculpt.Optimization;

/// <summary>How the learning rate moves during training; chosen with <c>--schedule</c>.</summary>
public enum Schedule
{
    /// <summary>The learning rate throughout.</summary>
    Constant,

    /// <summary>Linear warmup over <c>WarmupSteps</c>, then cosine decay to <c>MinLearningRate</c> at the last step.</summary>
    WarmupCosine,

    /// <summary>Multiplied by <c>DecayFactor</c> every <c>DecayEvery</c> epochs (PyTorch's StepLR).</summary>
    Step,

    /// <summary>
    /// Smith's one-cycle policy as PyTorch's OneCycleLR: from rate/25 up to the rate over the first
    /// 30% of steps, then cosine down to rate/25/1e4 (momentum is not cycled).
    /// </summary>
    OneCycle,

    /// <summary>Multiplied by <c>DecayFactor</c> when the validation loss has not improved for <c>Patience</c> epochs (PyTorch's ReduceLROnPlateau).</summary>
    Plateau,
}

/// <summary>What a schedule remembers between epochs (only the plateau schedule has any).</summary>
public sealed record ScheduleState(double PlateauRate, double Best, int BadEpochs);

/// <summary>
/// The learning rate for each optimizer step. Steps count from 1; <see cref="EpochCompleted"/>
/// tells a schedule that reacts to validation how the epoch went.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly Schedule _kind;
    private readonly double _rate, _minimum, _factor;
    private readonly long _warmup, _total, _stepsPerEpoch;
    private readonly int _decayEvery, _patience;
    private double _plateauRate, _best = double.PositiveInfinity;
    private int _badEpochs;

    public LearningRateSchedule(Schedule kind, double rate, long stepsPerEpoch, int epochs, long warmupSteps = 0, double minimum = 0, double factor = 0.1, int decayEvery = 10, int patience = 2)
    {
        if (stepsPerEpoch < 1 || epochs < 1) throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), "a schedule needs at least one step and one epoch");
        _kind = kind;
        _rate = rate;
        _minimum = minimum;
        _factor = factor;
        _stepsPerEpoch = stepsPerEpoch;
        _total = stepsPerEpoch * epochs;
        _warmup = Math.Min(warmupSteps, _total);
        _decayEvery = Math.Max(1, decayEvery);
        _patience = patience;
        _plateauRate = rate;
    }

    /// <summary>The rate for optimizer step <paramref name="step"/> (1-based).</summary>
    public double Rate(long step)
    {
        switch (_kind)
        {
            case Schedule.WarmupCosine:
                if (step <= _warmup) return _rate * step / _warmup;
                double progress = _total == _warmup ? 1 : (double)(step - _warmup) / (_total - _warmup);
                return _minimum + (_rate - _minimum) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
            case Schedule.Step:
                long epoch = (step - 1) / _stepsPerEpoch;
                return _rate * Math.Pow(_factor, epoch / _decayEvery);
            case Schedule.OneCycle:
            {
                // PyTorch's two phases, counted from step 0: up to the peak at 0.3*total - 1, down to the end at total - 1.
                double initial = _rate / 25, final = initial / 1e4;
                double peak = 0.3 * _total - 1, end = _total - 1, at = step - 1;
                return at <= peak
                    ? Cosine(initial, _rate, peak <= 0 ? 1 : at / peak)
                    : Cosine(_rate, final, (at - peak) / (end - peak));
            }
            case Schedule.Plateau:
                return _plateauRate;
            default:
                return _rate;
        }
    }

    /// <summary>After each epoch: a plateau schedule lowers the rate when the loss stopped improving.</summary>
    public void EpochCompleted(double validationLoss)
    {
        if (_kind != Schedule.Plateau) return;
        // PyTorch's default "rel" threshold: an improvement must beat the best by 0.01%.
        if (validationLoss < _best * (1 - 1e-4))
        {
            _best = validationLoss;
            _badEpochs = 0;
            return;
        }
        if (++_badEpochs > _patience)
        {
            double lowered = Math.Max(_plateauRate * _factor, _minimum);
            // As PyTorch: changes smaller than 1e-8 are ignored.
            if (_plateauRate - lowered > 1e-8) _plateauRate = lowered;
            _badEpochs = 0;
        }
    }

    /// <summary>What this schedule remembers, for a checkpoint.</summary>
    public ScheduleState State => new(_plateauRate, _best, _badEpochs);

    /// <summary>Continues from a checkpoint's <see cref="State"/>.</summary>
    public void Restore(ScheduleState state) => (_plateauRate, _best, _badEpochs) = (state.PlateauRate, state.Best, state.BadEpochs);

    private static double Cosine(double start, double end, double fraction) => end + (start - end) / 2 * (Math.Cos(Math.PI * fraction) + 1);
}
