namespace Sculpt;

/// <summary>The loss a trainer minimises.</summary>
public enum Loss
{
    /// <summary>Cross-entropy over logits <c>[B, C]</c> against class indices <c>[B]</c>.</summary>
    CrossEntropy,

    /// <summary>Mean squared error between outputs and targets of the same shape.</summary>
    MeanSquaredError,

    /// <summary>
    /// Direct preference optimisation (Rafailov et al. 2023) of a language model <c>[B, T] -> [B, T, V]</c> on preference
    /// pairs (<see cref="Preference.PreferencePairs"/>): the policy's log-probability margin between the chosen and the
    /// rejected completion, over a frozen copy of the starting model's, scaled by <c>Beta</c>. The hyperparameters derive
    /// from <see cref="Preference.PreferenceHyperParameters"/>.
    /// </summary>
    Dpo,

    /// <summary>
    /// A reward model on preference pairs (<see cref="Preference.PreferencePairs"/>): a model <c>[B, T] -> [B, T, 1]</c>
    /// scores each position, a sequence's reward is its score at the completion's last token, and the loss is
    /// Bradley-Terry's, <c>-log sigmoid(r_chosen - r_rejected)</c>; accuracy is the share of pairs scored the right way round.
    /// </summary>
    BradleyTerry,

    /// <summary>
    /// RLHF by RLOO (REINFORCE with a leave-one-out baseline, Ahmadian et al. 2024) of a language model
    /// <c>[B, T] -> [B, T, V]</c> on prompts (<see cref="Preference.Prompts"/>): each step samples
    /// <c>SamplesPerPrompt</c> completions of every prompt, rewards them less a KL penalty to a frozen copy of the
    /// starting model, and raises each one's log-probability by how much it beats the others of its prompt. The reward
    /// comes from the reward model <see cref="TrainerAttribute.Reward"/> names, or from the trainer's own override of
    /// <c>Reward</c>. The hyperparameters derive from <see cref="Preference.PreferenceHyperParameters"/>.
    /// </summary>
    Rloo,
}

/// <summary>The optimizer a trainer uses; rates and decay come from the hyperparameters.</summary>
public enum Optimizer
{
    /// <summary>AdamW (decoupled weight decay), using <c>LearningRate</c> and <c>WeightDecay</c>.</summary>
    AdamW,

    /// <summary>SGD with momentum, using <c>LearningRate</c>, <c>Momentum</c> and <c>WeightDecay</c>.</summary>
    Sgd,

    /// <summary>Adam with L2 weight decay added to the gradients, using <c>LearningRate</c> and <c>WeightDecay</c>.</summary>
    Adam,

    /// <summary>SGD with Nesterov momentum, using <c>LearningRate</c>, <c>Momentum</c> and <c>WeightDecay</c>.</summary>
    SgdNesterov,

    /// <summary>Lion (sign of interpolated momentum, decoupled decay); use a rate 3-10x smaller than AdamW's.</summary>
    Lion,
}

/// <summary>
/// Marks a <c>partial class</c> deriving from <see cref="Training.Trainer{TModel, TData, TConfig}"/>
/// as a trainer; the generator writes its training step, evaluation, fit loop and command line.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
public sealed class TrainerAttribute(Loss loss, Optimizer optimizer) : System.Attribute
{
    public Loss Loss { get; } = loss;
    public Optimizer Optimizer { get; } = optimizer;

    /// <summary>
    /// <c>Loss.Rloo</c>: the reward model (a <c>[Model]</c> <c>[B, T] -> [B, T, 1]</c> of the same hyperparameters, as a
    /// <c>Loss.BradleyTerry</c> trainer leaves it) whose score at a sequence's last token is its reward; its weights come
    /// from <c>--reward-from</c>. Leave it out to reward with the trainer's own override of <c>Reward</c>.
    /// </summary>
    public System.Type? Reward { get; set; }
}
