using System;
using static TorchSharp.torch;

namespace Sculpt.Preference;

/// <summary>One batch's preference loss and the rewards it implies, per pair (detached).</summary>
/// <param name="Loss">The mean loss over the pairs (differentiable).</param>
/// <param name="ChosenRewards">beta * (policy - reference) log-probability of each chosen completion, <c>[B]</c>.</param>
/// <param name="RejectedRewards">The same for each rejected completion, <c>[B]</c>.</param>
public sealed record PreferenceTerms(Tensor Loss, Tensor ChosenRewards, Tensor RejectedRewards);

/// <summary>The losses of preference tuning, as TRL's DPOTrainer computes them (checked against PyTorch: PreferenceTests).</summary>
public static class PreferenceLosses
{
    /// <summary>
    /// The log-probability a language model gives each sequence's completion: per row, the sum over positions where
    /// <paramref name="mask"/> is 1 of <c>log softmax(logits)[target]</c>. Prompt and padding positions (mask 0) add
    /// nothing, and so get no gradient.
    /// </summary>
    /// <param name="logits">Scores <c>[N, T, V]</c> of the token at each next position.</param>
    /// <param name="targets">The next tokens, <c>[N, T]</c>.</param>
    /// <param name="mask">1 where the target is a completion token, <c>[N, T]</c>.</param>
    public static Tensor SequenceLogProbs(Tensor logits, Tensor targets, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var picked = MixedPrecision.LowPrecision.Widened(logits).log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
        return (picked * mask.to(picked.dtype)).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A reward model's reward of each sequence: its score (<paramref name="scores"/>, <c>[N, T, 1]</c> or <c>[N, T]</c>, one per
    /// position of the model's input) at the position of the completion's last token, which has then read the whole
    /// completion. <paramref name="mask"/> marks the scored next tokens (<see cref="PreferencePairs.Scored"/>): the last
    /// completion token is the target of the last marked position and sits one position later in the input; a pair that
    /// fills the model's window has its final token outside the input, and is read one token before it.
    /// </summary>
    public static Tensor SequenceRewards(Tensor scores, Tensor mask)
    {
        using var scope = NewDisposeScope();
        scores = MixedPrecision.LowPrecision.Widened(scores);
        if (scores.dim() == 3) scores = scores.squeeze(-1);
        long length = mask.size(-1);
        // The last marked position: the largest (position + 1) where the mask is 1.
        var last = (mask.to(float32) * arange(1, length + 1, dtype: float32, device: mask.device)).argmax(-1);
        var read = (last + 1).clamp_max(length - 1);
        return scores.gather(1, read.unsqueeze(1)).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Bradley-Terry's loss of pairs of rewards, <c>-log sigmoid(chosen - rejected)</c> averaged over the pairs.</summary>
    public static Tensor BradleyTerry(Tensor chosen, Tensor rejected) => (-nn.functional.logsigmoid(chosen - rejected)).mean();

    /// <summary>
    /// DPO's loss of a batch of pairs from the policy's and the frozen reference's completion log-probabilities, each
    /// <c>[B]</c>. With <see cref="PreferenceLoss.Sigmoid"/>: <c>-(1 - eps) log sigmoid(beta m) - eps log sigmoid(-beta m)</c>
    /// where m is the policy's chosen-minus-rejected margin less the reference's; with <see cref="PreferenceLoss.Ipo"/>:
    /// <c>(m - 1 / (2 beta))^2</c>, the log-probabilities first divided by the completions' token counts.
    /// </summary>
    public static PreferenceTerms Dpo(
        Tensor policyChosen, Tensor policyRejected, Tensor referenceChosen, Tensor referenceRejected,
        double beta, PreferenceLoss kind = PreferenceLoss.Sigmoid, double labelSmoothing = 0,
        Tensor? chosenTokens = null, Tensor? rejectedTokens = null)
    {
        if (!(beta > 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "must be positive");
        if (labelSmoothing is < 0 or > 0.5) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "must lie in [0, 0.5]");
        using var scope = NewDisposeScope();
        if (kind == PreferenceLoss.Ipo)
        {
            if (chosenTokens is null || rejectedTokens is null) throw new ArgumentException("IPO averages over completion tokens: give their counts.", nameof(chosenTokens));
            policyChosen = policyChosen / chosenTokens;
            referenceChosen = referenceChosen / chosenTokens;
            policyRejected = policyRejected / rejectedTokens;
            referenceRejected = referenceRejected / rejectedTokens;
        }
        var margin = policyChosen - policyRejected - (referenceChosen - referenceRejected);
        var losses = kind == PreferenceLoss.Ipo
            ? (margin - 1 / (2 * beta)).square()
            : -nn.functional.logsigmoid(margin * beta) * (1 - labelSmoothing) - nn.functional.logsigmoid(margin * -beta) * labelSmoothing;
        var chosenRewards = ((policyChosen - referenceChosen) * beta).detach();
        var rejectedRewards = ((policyRejected - referenceRejected) * beta).detach();
        return new PreferenceTerms(losses.mean().MoveToOuterDisposeScope(), chosenRewards.MoveToOuterDisposeScope(), rejectedRewards.MoveToOuterDisposeScope());
    }
}
