using static TorchSharp.torch;

namespace Sculpt.Preference;

/// <summary>
/// What an RLOO update of a batch of rollouts amounts to: <see cref="Loss"/>, whose value is the negated mean penalised
/// reward (the objective, lower is better) and whose gradient is the policy gradient; the sequences' rewards, and
/// their KL estimates from the reference.
/// </summary>
public sealed record RolloutTerms(Tensor Loss, Tensor Rewards, Tensor Kl);

/// <summary>
/// RLHF by REINFORCE with a leave-one-out baseline (RLOO, Ahmadian et al. 2024): for each prompt, k completions are
/// sampled from the policy, each scored by the reward less a KL penalty to the frozen reference (sequence level: the
/// summed log-probability difference of its completion tokens), and each completion's log-probability is pushed up by
/// how much its penalised reward beats the mean of the other k - 1. No value network and no clipping: every update is
/// on samples of the current policy (docs/decisions.md says why RLOO rather than PPO). A <c>Loss.Rloo</c> trainer
/// samples, scores and calls <see cref="Terms"/> for each batch of prompts.
/// </summary>
public static class Rloo
{
    /// <summary>The terms of rollouts grouped <paramref name="samplesPerPrompt"/> to a prompt, consecutive.</summary>
    /// <param name="logProbs">The policy's summed log-probability of each completion, <c>[N]</c>, with gradients.</param>
    /// <param name="referenceLogProbs">The reference's, <c>[N]</c>.</param>
    /// <param name="rewards">Each whole sequence's reward, <c>[N]</c>.</param>
    /// <param name="samplesPerPrompt">k, at least 2.</param>
    /// <param name="klCoefficient">The weight of the KL penalty.</param>
    public static RolloutTerms Terms(Tensor logProbs, Tensor referenceLogProbs, Tensor rewards, int samplesPerPrompt, double klCoefficient)
    {
        int k = samplesPerPrompt;
        var kl = logProbs.detach() - referenceLogProbs;
        var penalised = (rewards - kl * klCoefficient).view(-1, k);
        var baseline = (penalised.sum(1, keepdim: true) - penalised) / (k - 1);
        var advantages = (penalised - baseline).detach();
        var surrogate = -(advantages * logProbs.view(-1, k)).mean();
        // The reported value is the objective; the gradient is the surrogate's (the score-function estimator).
        var objective = -penalised.mean();
        return new RolloutTerms(surrogate + (objective - surrogate).detach(), rewards, kl);
    }
}
