namespace Sculpt;

/// <summary>The precision a trainer computes in (<c>--precision</c>); weights, optimizer state and gradient sums stay float32.</summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    Fp32,

    /// <summary>
    /// bfloat16 mixed precision: the layers the generator marks (linear layers, attention's projections and products) run
    /// in bfloat16 on a bfloat16 copy of the weights; norms, softmax, losses and the optimizer stay float32. bfloat16 has
    /// float32's range, so no loss scaling is needed.
    /// </summary>
    Bf16,

    /// <summary>
    /// float16 mixed precision, as <see cref="Bf16"/> with float16, and dynamic loss scaling (PyTorch's GradScaler): the
    /// loss is scaled before backward, gradients unscaled before clipping, and a step whose gradients overflow is skipped
    /// and the scale halved; it doubles after 2,000 good steps.
    /// </summary>
    Fp16,
}

/// <summary>What a trainer does when the device has no instructions for the precision asked for (a CPU without bfloat16 units).</summary>
public enum PrecisionFallback
{
    /// <summary>Says so once and trains in float32.</summary>
    Fp32,

    /// <summary>Stops before training, with one line saying why.</summary>
    Refuse,

    /// <summary>Trains in the precision asked for anyway: libtorch emulates it, slower than float32 (for checking numerics).</summary>
    Emulate,
}
