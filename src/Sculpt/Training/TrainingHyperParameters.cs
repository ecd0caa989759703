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

    /// <summary>Micro-batches each batch is split into, their gradients summed before one step: the same update with a fraction of the activation memory.</summary>
    [Range(1, 4096)] public virtual int AccumulateBatches { get; init; } = 1;

    /// <summary>L1 regularisation of the decayed parameters (weights, not biases or norms): adds <c>L1 * sign(w)</c> to their gradients.</summary>
    [Range(0, 10)] public virtual double L1 { get; init; }

    /// <summary>Stops when the validation loss has not improved for this many epochs; 0 never stops early.</summary>
    [Range(0, 1_000_000)] public virtual int EarlyStopping { get; init; }

    /// <summary>
    /// Ends training with the weights of the epoch of lowest validation loss instead of the last
    /// epoch's (Keras' <c>restore_best_weights</c>): those go to <c>model.dat</c> and the test
    /// measurement. Off by default, as in Keras.
    /// </summary>
    public virtual bool RestoreBest { get; init; }

    /// <summary>How the learning rate moves: Constant, WarmupCosine, Step, OneCycle or Plateau.</summary>
    public virtual Optimization.Schedule Schedule { get; init; } = Optimization.Schedule.Constant;

    /// <summary>Steps of linear warmup for <see cref="Optimization.Schedule.WarmupCosine"/>.</summary>
    [Range(0, 1_000_000_000)] public virtual int WarmupSteps { get; init; }

    /// <summary>The floor of the cosine and plateau schedules.</summary>
    [Range(0, 10)] public virtual double MinLearningRate { get; init; }

    /// <summary>What the step and plateau schedules multiply the rate by.</summary>
    [Range(0, 1)] public virtual double DecayFactor { get; init; } = 0.1;

    /// <summary>Epochs between decays of the step schedule.</summary>
    [Range(1, 1_000_000)] public virtual int DecayEvery { get; init; } = 10;

    /// <summary>Epochs without improvement the plateau schedule waits before decaying.</summary>
    [Range(0, 1_000_000)] public virtual int Patience { get; init; } = 2;

    /// <summary>Fixes weight initialisation, data splits and shuffling.</summary>
    public virtual int Seed { get; init; } = 42;
}
