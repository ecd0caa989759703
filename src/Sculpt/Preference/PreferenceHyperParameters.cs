using System.ComponentModel;

namespace Sculpt.Preference;

/// <summary>Which preference loss a <c>Loss.Dpo</c> trainer minimises.</summary>
public enum PreferenceLoss
{
    /// <summary>DPO's logistic loss, <c>-log sigmoid(beta * margin)</c>; with <c>LabelSmoothing</c>, the conservative variant.</summary>
    Sigmoid,

    /// <summary>IPO (Azar et al. 2023): <c>(margin - 1 / (2 beta))^2</c> on log-probabilities averaged over completion tokens, which does not push margins without bound.</summary>
    Ipo,
}

/// <summary>
/// The hyperparameters of preference tuning (<c>[Trainer(Loss.Dpo, ...)]</c>, <c>Loss.BradleyTerry</c> and
/// <c>Loss.Rloo</c>): the training ones, how far the policy may move from its frozen reference, and how RLHF samples.
/// A trainer's <c>[HyperParameters]</c> record derives from this one.
/// </summary>
public abstract record PreferenceHyperParameters : Training.TrainingHyperParameters
{
    /// <summary>DPO's beta: the strength of the implicit KL penalty to the reference (higher keeps the policy closer).</summary>
    [Description("DPO's beta: the strength of the implicit KL penalty to the reference (higher keeps the policy closer).")]
    [Range(1e-4, 100)] public virtual double Beta { get; init; } = 0.1;

    /// <summary>The preference loss: Sigmoid (DPO) or Ipo.</summary>
    [Description("The preference loss: Sigmoid (DPO) or Ipo.")]
    public virtual PreferenceLoss PreferenceLoss { get; init; } = PreferenceLoss.Sigmoid;

    /// <summary>Conservative DPO: the share of preferences taken to be wrong (0 for plain DPO; Sigmoid only).</summary>
    [Description("Conservative DPO: the share of preferences taken to be wrong (0 for plain DPO; Sigmoid only).")]
    [Range(0, 0.5)] public virtual double LabelSmoothing { get; init; }

    /// <summary>RLHF (Loss.Rloo): completions sampled for each prompt; each one's baseline is the mean reward of the others.</summary>
    [Description("RLHF (Loss.Rloo): completions sampled for each prompt; each one's baseline is the mean reward of the others.")]
    [Range(2, 1024)] public virtual int SamplesPerPrompt { get; init; } = 4;

    /// <summary>RLHF (Loss.Rloo): tokens in each sampled completion.</summary>
    [Description("RLHF (Loss.Rloo): tokens in each sampled completion.")]
    [Range(1, 1 << 16)] public virtual int CompletionTokens { get; init; } = 32;

    /// <summary>RLHF (Loss.Rloo): the weight of the KL penalty in the reward, reward - coefficient * (log p_policy - log p_reference).</summary>
    [Description("RLHF (Loss.Rloo): the weight of the KL penalty in the reward, reward - coefficient * (log p_policy - log p_reference).")]
    [Range(0, 1000)] public virtual double KlCoefficient { get; init; } = 0.05;

    /// <summary>RLHF (Loss.Rloo): the temperature completions are sampled at.</summary>
    [Description("RLHF (Loss.Rloo): the temperature completions are sampled at.")]
    [Range(1e-3, 100)] public virtual double Temperature { get; init; } = 1.0;

    /// <summary>RLHF (Loss.Rloo) with a reward model: the weights or checkpoint of a Loss.BradleyTerry run that score completions.</summary>
    [Description("RLHF (Loss.Rloo) with a reward model: the weights or checkpoint of a Loss.BradleyTerry run that score completions.")]
    public virtual string RewardFrom { get; init; } = "";
}
