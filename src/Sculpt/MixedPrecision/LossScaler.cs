using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.MixedPrecision;

/// <summary>A loss scaler's state, as checkpoints keep it so a resumed float16 run scales alike.</summary>
public sealed record LossScaleState(double Scale, int GoodSteps);

/// <summary>
/// Dynamic loss scaling for float16 training, with PyTorch's GradScaler's semantics and defaults: the loss is multiplied
/// by <see cref="Scale"/> (initially 2^16) before backward, so small gradients survive float16; <see cref="Unscale"/>
/// divides the float32 gradients back before clipping and says whether they are finite; <see cref="Update"/> skips a
/// step that overflowed and halves the scale, and doubles it after 2,000 steps in a row without overflow.
/// </summary>
public sealed class LossScaler
{
    public const double InitialScale = 65536, GrowthFactor = 2, BackoffFactor = 0.5;
    public const int GrowthInterval = 2000;

    /// <summary>The factor the loss is multiplied by before backward.</summary>
    public double Scale { get; private set; } = InitialScale;

    /// <summary>Steps in a row without overflow since the scale last changed.</summary>
    public int GoodSteps { get; private set; }

    /// <summary>Steps skipped because their gradients overflowed, in this process's run.</summary>
    public long Skipped { get; private set; }

    public LossScaleState State => new(Scale, GoodSteps);

    public void Restore(LossScaleState state)
    {
        Scale = state.Scale;
        GoodSteps = state.GoodSteps;
    }

    /// <summary>Divides <paramref name="gradients"/> by the scale in place; returns whether every one is finite (a device sync).</summary>
    public bool Unscale(Tensor gradients)
    {
        using var noGrad = no_grad();
        using var inverse = (1.0 / Scale).ToScalar();
        gradients.mul_(inverse);
        using var finite = isfinite(gradients).all();
        return finite.item<bool>();
    }

    /// <summary>After a step's gradients were unscaled: whether to take the step; the scale shrinks on overflow and grows after a run of good steps.</summary>
    public bool Update(bool finite)
    {
        if (!finite)
        {
            Scale *= BackoffFactor;
            GoodSteps = 0;
            Skipped++;
            return false;
        }
        if (++GoodSteps >= GrowthInterval)
        {
            Scale *= GrowthFactor;
            GoodSteps = 0;
        }
        return true;
    }
}
