using System;
using System.Collections.Generic;
using System.Linq;
using Sculpt.Optimization;
using Sculpt.Text;
using static TorchSharp.torch;

namespace Sculpt.Preference;

/// <summary>How an RLOO run samples, scores and steps.</summary>
public sealed record RlooSettings
{
    /// <summary>Policy updates.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Prompts each update samples for.</summary>
    public int PromptsPerStep { get; init; } = 16;

    /// <summary>Completions sampled per prompt (k): each one's baseline is the mean reward of the other k - 1.</summary>
    public int Samples { get; init; } = 4;

    /// <summary>Tokens in each sampled completion.</summary>
    public int CompletionTokens { get; init; } = 40;

    /// <summary>The weight of the KL penalty to the reference in the reward: reward - coefficient * (log p_policy - log p_reference).</summary>
    public double KlCoefficient { get; init; } = 0.05;

    /// <summary>AdamW's rate, without weight decay.</summary>
    public double LearningRate { get; init; } = 1e-5;

    /// <summary>The sampling temperature.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Fixes the prompts' order and every draw.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>One update of an RLOO run: the mean reward of its samples, the mean KL estimate from the reference, the loss.</summary>
public sealed record RlooStep(int Step, double Reward, double Kl, double Loss);

/// <summary>
/// RLHF by REINFORCE with a leave-one-out baseline (RLOO, Ahmadian et al. 2024): for each prompt, k completions are
/// sampled from the policy, each scored by the reward function less a KL penalty to the frozen reference (sequence
/// level: the summed log-probability difference of its completion tokens), and each completion's log-probability is
/// pushed up by how much its penalised reward beats the mean of the other k - 1. No value network and no clipping:
/// every update is on samples of the current policy (docs/decisions.md says why RLOO rather than PPO).
/// </summary>
public static class Rloo
{
    /// <summary>Trains <paramref name="policy"/> in place; returns one report per update.</summary>
    /// <param name="policy">A language model <c>[B, T] -> [B, T, V]</c>.</param>
    /// <param name="reference">The frozen model the KL penalty measures from, usually a copy of the policy as it starts.</param>
    /// <param name="reward">Rewards of whole sequences (prompt then completion, <c>[N, T]</c>), <c>[N]</c>; called without gradients.</param>
    /// <param name="prompts">Prompts of one length, drawn in a seeded order, round and round.</param>
    /// <param name="context">The most tokens the policy reads.</param>
    /// <param name="settings">Samples, penalty, rate and seed.</param>
    /// <param name="progress">Told of each update as it ends.</param>
    /// <param name="device">Where the prompts go (the CPU when null); the models must be there already.</param>
    public static List<RlooStep> Train(
        nn.Module<Tensor, Tensor> policy, nn.Module<Tensor, Tensor> reference, Func<Tensor, Tensor> reward,
        IReadOnlyList<long[]> prompts, int context, RlooSettings settings, Action<RlooStep>? progress = null, Device? device = null)
    {
        if (settings.Samples < 2) throw new ArgumentOutOfRangeException(nameof(settings), settings.Samples, "RLOO needs at least 2 samples per prompt: each one's baseline is the others' mean");
        if (prompts.Count == 0) throw new ArgumentException("No prompts to sample for.", nameof(prompts));
        int promptLength = prompts[0].Length;
        if (promptLength + settings.CompletionTokens > context + 1)
            throw new ArgumentException($"Prompts of {promptLength} tokens and completions of {settings.CompletionTokens} need a context of {promptLength + settings.CompletionTokens - 1}; the model reads {context}.", nameof(settings));
        foreach (var parameter in reference.parameters()) parameter.requires_grad = false;
        reference.eval();
        // Dropout stays off: the log-probabilities trained on are those of the policy that sampled.
        policy.eval();
        using var parameters = new FlatParameters(policy);
        using var optimizer = new FusedAdam(parameters, settings.LearningRate);
        using var generator = new Generator((ulong)settings.Seed);
        var order = new Random(settings.Seed);
        var queue = new Queue<long[]>();
        var reports = new List<RlooStep>();
        var sampling = new Sampling(settings.Temperature);
        int k = settings.Samples;
        for (int step = 1; step <= settings.Steps; step++)
        {
            var batch = new List<long[]>();
            while (batch.Count < settings.PromptsPerStep)
            {
                if (queue.Count == 0) foreach (var prompt in prompts.OrderBy(_ => order.Next())) queue.Enqueue(prompt);
                batch.Add(queue.Dequeue());
            }
            var rows = batch.SelectMany(p => Enumerable.Repeat(p, k)).ToList();
            var completions = TokenSampling.Continue(policy, rows, settings.CompletionTokens, context, sampling, generator, device);
            using var scope = NewDisposeScope();
            var tokens = tensor(rows.Zip(completions, (p, c) => p.Concat(c)).SelectMany(t => t).ToArray(), device: device).view(rows.Count, -1);
            var input = tokens.narrow(1, 0, tokens.size(1) - 1);
            var targets = tokens.narrow(1, 1, tokens.size(1) - 1);
            var mask = zeros(targets.shape, dtype: float32, device: device);
            mask.narrow(1, promptLength - 1, settings.CompletionTokens).fill_(1);
            Tensor rewards, anchored;
            using (no_grad())
            {
                rewards = reward(tokens).to(float32);
                anchored = PreferenceLosses.SequenceLogProbs(reference.call(input), targets, mask);
            }
            var logps = PreferenceLosses.SequenceLogProbs(policy.call(input), targets, mask);
            var kl = logps.detach() - anchored;
            var penalised = (rewards - kl * settings.KlCoefficient).view(-1, k);
            var baseline = (penalised.sum(1, keepdim: true) - penalised) / (k - 1);
            var advantages = (penalised - baseline).detach();
            var loss = -(advantages * logps.view(-1, k)).mean();
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step();
            var report = new RlooStep(step, rewards.mean().item<float>(), kl.mean().item<float>(), loss.item<float>());
            reports.Add(report);
            progress?.Invoke(report);
        }
        return reports;
    }
}
