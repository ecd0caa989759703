namespace Sculpt.Training;

/// <summary>
/// The hyperparameters every trainer reads. A model's <see cref="HyperParametersAttribute"/> record
/// derives from this one, so <c>--epochs</c>, <c>--learning-rate</c>, ... bind like its own options;
/// override a property to change its default.
/// </summary>
public abstract record TrainingHyperParameters
{
    [Range(1, 1_000_000)] public virtual int Epochs { get; init; } = 10;
    [Range(1, 1 << 20)] public virtual int BatchSize { get; init; } = 64;
    [Range(0, 10)] public virtual double LearningRate { get; init; } = 1e-3;
    [Range(0, 1)] public virtual double WeightDecay { get; init; } = 0.01;

    /// <summary>Used by <see cref="Optimizer.Sgd"/> and <see cref="Optimizer.SgdNesterov"/> only.</summary>
    [Range(0, 1)] public virtual double Momentum { get; init; } = 0.9;

    /// <summary>The largest global L2 norm of the gradients before a step (one norm over the flat gradient buffer); 0 turns clipping off.</summary>
    [Range(0, 1e6)] public virtual double ClipGradNorm { get; init; }

    /// <summary>Fixes weight initialisation, data splits and shuffling.</summary>
    public virtual int Seed { get; init; } = 42;
}
