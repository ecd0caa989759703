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
/// The hyperparameters of preference tuning (<c>[Trainer(Loss.Dpo, ...)]</c>): the training ones, and how far the
/// policy may move from its frozen reference. A trainer's <c>[HyperParameters]</c> record derives from this one.
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
}
