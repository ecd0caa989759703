using System.ComponentModel;

namespace Sculpt.Training;

/// <summary>
/// The hyperparameters every trainer reads. A model's <see cref="HyperParametersAttribute"/> record
/// derives from this one, so <c>--epochs</c>, <c>--learning-rate</c>, ... bind like its own options;
/// override a property to change its default.
/// </summary>
/// <remarks>
/// Each <see cref="DescriptionAttribute"/> is the property's line in <c>--help</c>: the generator
/// reads attributes of a compiled base record, but not its XML documentation (the compiler does
/// not load the documentation of referenced assemblies).
/// </remarks>
public abstract record TrainingHyperParameters
{
    /// <summary>Passes over the training data.</summary>
    [Description("Passes over the training data.")]
    [Range(1, 1_000_000)] public virtual int Epochs { get; init; } = 10;

    /// <summary>Samples per training step.</summary>
    [Description("Samples per training step.")]
    [Range(1, 1 << 20)] public virtual int BatchSize { get; init; } = 64;

    /// <summary>The optimizer's step size; under a schedule, the rate it starts from or peaks at.</summary>
    [Description("The optimizer's step size; under a schedule, the rate it starts from or peaks at.")]
    [Range(0, 10)] public virtual double LearningRate { get; init; } = 1e-3;

    /// <summary>Weight decay of the weights and embeddings (biases and norm scales are not decayed).</summary>
    [Description("Weight decay of the weights and embeddings; biases and norm scales are not decayed.")]
    [Range(0, 1)] public virtual double WeightDecay { get; init; } = 0.01;

    /// <summary>Used by <see cref="Optimizer.Sgd"/> and <see cref="Optimizer.SgdNesterov"/> only.</summary>
    [Description("Momentum of the Sgd and SgdNesterov optimizers; the others ignore it.")]
    [Range(0, 1)] public virtual double Momentum { get; init; } = 0.9;

    /// <summary>The largest global L2 norm of the gradients before a step (one norm over the flat gradient buffer); 0 turns clipping off.</summary>
    [Description("The largest global L2 norm of the gradients before a step; 0 turns clipping off.")]
    [Range(0, 1e6)] public virtual double ClipGradNorm { get; init; }

    /// <summary>Micro-batches each batch is split into, their gradients summed before one step: the same update with a fraction of the activation memory.</summary>
    [Description("Micro-batches each batch is split into: the same update with a fraction of the activation memory.")]
    [Range(1, 4096)] public virtual int AccumulateBatches { get; init; } = 1;

    /// <summary>L1 regularisation of the decayed parameters (weights, not biases or norms): adds <c>L1 * sign(w)</c> to their gradients.</summary>
    [Description("L1 regularisation of the weights (not biases or norms): adds L1 * sign(w) to their gradients.")]
    [Range(0, 10)] public virtual double L1 { get; init; }

    /// <summary>Stops when the validation loss has not improved for this many epochs; 0 never stops early.</summary>
    [Description("Stop when the validation loss has not improved for this many epochs; 0 never stops early.")]
    [Range(0, 1_000_000)] public virtual int EarlyStopping { get; init; }

    /// <summary>
    /// Ends training with the weights of the epoch of lowest validation loss instead of the last
    /// epoch's (Keras' <c>restore_best_weights</c>): those go to <c>model.dat</c> and the test
    /// measurement. Off by default, as in Keras.
    /// </summary>
    [Description("End with the weights of the epoch of lowest validation loss instead of the last epoch's.")]
    public virtual bool RestoreBest { get; init; }

    /// <summary>How the learning rate moves: Constant, WarmupCosine, Step, OneCycle or Plateau.</summary>
    [Description("How the learning rate moves over the run.")]
    public virtual Optimization.Schedule Schedule { get; init; } = Optimization.Schedule.Constant;

    /// <summary>Steps of linear warmup for <see cref="Optimization.Schedule.WarmupCosine"/>.</summary>
    [Description("Steps of linear warmup before the cosine decay of WarmupCosine.")]
    [Range(0, 1_000_000_000)] public virtual int WarmupSteps { get; init; }

    /// <summary>The floor of the cosine and plateau schedules.</summary>
    [Description("The lowest rate the WarmupCosine and Plateau schedules go down to.")]
    [Range(0, 10)] public virtual double MinLearningRate { get; init; }

    /// <summary>What the step and plateau schedules multiply the rate by.</summary>
    [Description("What the Step and Plateau schedules multiply the rate by at each decay.")]
    [Range(0, 1)] public virtual double DecayFactor { get; init; } = 0.1;

    /// <summary>Epochs between decays of the step schedule.</summary>
    [Description("Epochs between decays of the Step schedule.")]
    [Range(1, 1_000_000)] public virtual int DecayEvery { get; init; } = 10;

    /// <summary>Epochs without improvement the plateau schedule waits before decaying.</summary>
    [Description("Epochs without a lower validation loss before the Plateau schedule decays.")]
    [Range(0, 1_000_000)] public virtual int Patience { get; init; } = 2;

    /// <summary>
    /// The precision the model computes in: Fp32, or mixed Bf16 or Fp16 (linear layers and attention in low precision on a
    /// low-precision copy of the float32 weights; norms, losses and the optimizer in float32; docs/mixed-precision.md).
    /// </summary>
    [Description("The precision the model computes in: Fp32, or mixed Bf16 or Fp16 (linear layers and attention in low precision; norms, losses and the optimizer in float32).")]
    public virtual Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>Fixes weight initialisation, data splits and shuffling.</summary>
    [Description("Fixes weight initialisation, dropout, data splits, shuffling and augmentation.")]
    public virtual int Seed { get; init; } = 42;

    /// <summary>
    /// A weights file the model starts from instead of its initialisers: a safetensors file (Sculpt's <c>model.safetensors</c>,
    /// PyTorch's, Hugging Face's) or a PyTorch state dict (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>); empty starts fresh. Every
    /// tensor must fit except those of <see cref="Fresh"/> components (docs/fine-tuning.md).
    /// </summary>
    [Description("A weights file to start from (safetensors, or a PyTorch state dict .pt/.pth/.bin); empty starts from the initialisers.")]
    public virtual string InitFrom { get; init; } = "";

    /// <summary>Components (state-dict names, comma-separated) that start from their initialisers even with <see cref="InitFrom"/>: a new head.</summary>
    [Description("Components that keep their initialisers under --init-from, by state-dict name, comma-separated: a new head.")]
    public virtual string Fresh { get; init; } = "";

    /// <summary>
    /// Components (state-dict names, comma-separated) that are not trained: no gradient, no optimizer state, no room in
    /// the flat gradient buffer, and their batch-norm statistics fixed. <c>*</c> freezes every component that is not
    /// <see cref="Fresh"/> (train a new head alone).
    /// </summary>
    [Description("Components that are not trained, by state-dict name, comma-separated; * freezes all but the --fresh ones.")]
    public virtual string Freeze { get; init; } = "";

    /// <summary>
    /// Learning rates of components of their own (discriminative rates): <c>Body=1e-4,Head=1e-3</c>, by state-dict name.
    /// Each group keeps its part of the flat buffers and its own optimizer call; a schedule moves every rate by the same
    /// factor. Components not named take <see cref="LearningRate"/>.
    /// </summary>
    [Description("Learning rates of components of their own, e.g. Body=1e-4,Head=1e-3; the others take --learning-rate.")]
    public virtual string LearningRates { get; init; } = "";

    /// <summary>Weight decay of components of their own: <c>Norm=0,Body=0.05</c>; components not named take <see cref="WeightDecay"/>.</summary>
    [Description("Weight decay of components of their own, e.g. Body=0.05; the others take --weight-decay.")]
    public virtual string WeightDecays { get; init; } = "";

    /// <summary>
    /// Linear layers (state-dict names, comma-separated; <c>*</c> for all, attention projections included) that get
    /// low-rank adapters (LoRA): the model's own weights are then frozen and only the adapters and the <see cref="Fresh"/>
    /// components train. Empty: no adapters.
    /// </summary>
    [Description("Linear layers that get low-rank adapters (LoRA), by state-dict name, comma-separated, or * for all; the rest is frozen.")]
    public virtual string Lora { get; init; } = "";

    /// <summary>The rank of each <see cref="Lora"/> adapter: it adds rank * (inputs + outputs) parameters to its layer.</summary>
    [Description("The rank of each LoRA adapter; it adds rank * (inputs + outputs) parameters to its layer.")]
    [Range(1, 4096)] public virtual int LoraRank { get; init; } = 8;

    /// <summary>LoRA's alpha: an adapter's output is scaled by alpha / rank.</summary>
    [Description("LoRA's alpha: an adapter's output is scaled by alpha / rank.")]
    [Range(0, 1e6)] public virtual double LoraAlpha { get; init; } = 16;

    /// <summary>The epoch from which the <see cref="Freeze"/> components train too (gradual unfreezing); 0 keeps them frozen.</summary>
    [Description("The epoch from which the frozen components train too; 0 keeps them frozen.")]
    [Range(0, 1_000_000)] public virtual int UnfreezeAt { get; init; }
}
