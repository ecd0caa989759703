using System;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Preference;
using Sculpt.Text;
using TorchSharp;

namespace Sculpt.Training;

// RLHF (Loss.Rloo): rollouts of the policy, their rewards, and the loss and evaluation the generated trainer calls.
public abstract partial class Trainer<TModel, TData, TConfig>
{
    private torch.nn.Module<torch.Tensor, torch.Tensor>? _rewardModel;

    /// <summary>Whether the trainer's samples are prompts it continues and learns from its own completions (<c>Loss.Rloo</c>); the generator says.</summary>
    protected virtual bool SamplesCompletions => false;

    /// <summary>
    /// The reward of whole sequences <c>[N, T]</c> (a prompt, then a sampled completion): <c>[N]</c>, called without
    /// gradients. A <c>Loss.Rloo</c> trainer declared with <c>Reward = typeof(...)</c> scores them with that reward model
    /// (<c>--reward-from</c>) at the last token; one without overrides this with its own rule.
    /// </summary>
    protected virtual torch.Tensor Reward(torch.Tensor sequences) => _rewardModel is { } model
        ? model.call(sequences)[.., -1, 0]
        : throw new InvalidOperationException($"{GetType().Name} has no reward: declare [Trainer(Loss.Rloo, ..., Reward = typeof(a reward model))] or override Reward.");

    /// <summary>The frozen reward model <c>Reward</c> scores with, or null when the trainer has a rule of its own.</summary>
    public torch.nn.Module<torch.Tensor, torch.Tensor>? RewardModel => _rewardModel;

    /// <summary>
    /// Builds the reward model a <c>Loss.Rloo</c> trainer declares and loads <c>--reward-from</c> into it: eval mode, no
    /// gradients, never in the optimizer. Called by the generated constructor.
    /// </summary>
    /// <exception cref="HyperParameterException">No <c>--reward-from</c> was given.</exception>
    /// <exception cref="InvalidDataException">The file does not hold this reward model's weights; the message names the flag and the file.</exception>
    protected void UseRewardModel<TReward>() where TReward : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TReward, TConfig>
    {
        string path = PreferenceSettings.RewardFrom;
        if (path.Length == 0)
            throw new HyperParameterException($"Option '--reward-from': {GetType().Name} scores its completions with {typeof(TReward).Name}; name the weights or checkpoint of the run that trained it (its model.dat or checkpoints/best).");
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new InvalidDataException($"Option '--reward-from': '{path}' does not exist.");
        _rewardModel = FrozenModel<TReward>(model =>
        {
            try
            {
                // A run's model.dat is TorchSharp's format, which this very model class wrote; other files and checkpoints are read by name.
                if (File.Exists(path) && string.Equals(Path.GetExtension(path), ".dat", StringComparison.OrdinalIgnoreCase)) WeightFiles.Load(model, path);
                else model.LoadWeights(path);
            }
            catch (InvalidDataException problem)
            {
                throw new InvalidDataException($"Option '--reward-from': {problem.Message}", problem);
            }
        });
    }

    /// <summary>
    /// RLOO's loss for a batch of prompts <c>[B, P]</c>: <c>SamplesPerPrompt</c> completions of each sampled from the
    /// policy (eval mode, the trainer's random stream), rewarded, penalised by their KL from the reference, and each
    /// one's log-probability weighted by how much it beats the others of its prompt (<see cref="Rloo.Terms"/>). The loss's
    /// value is the negated mean penalised reward; its gradient is the policy gradient.
    /// </summary>
    protected torch.Tensor RolloutLoss(torch.Tensor prompts)
    {
        using var scope = torch.NewDisposeScope();
        long seed;
        // Drawn from the trainer's stream, which checkpoints carry (and a group reseeds per process and step): a resumed run samples alike.
        using (_random.Use()) seed = torch.randint(0, int.MaxValue, [1], dtype: torch.int64).item<long>();
        using var generator = new torch.Generator(unchecked((ulong)seed));
        using var precision = MixedPrecision.LowPrecision.Use(_lowWeights);
        var terms = RolloutTermsOf(prompts, generator, withGradients: true);
        return terms.Loss.MoveToOuterDisposeScope();
    }

    private RolloutTerms RolloutTermsOf(torch.Tensor prompts, torch.Generator generator, bool withGradients)
    {
        var settings = PreferenceSettings;
        var reference = _reference ?? throw new InvalidOperationException("This trainer keeps no reference model: it does not learn from its own completions.");
        int k = settings.SamplesPerPrompt, completion = settings.CompletionTokens;
        int promptLength = (int)prompts.size(1);
        var rows = prompts.cpu().repeat_interleave(k, dim: 0);
        long[][] starts = Enumerable.Range(0, (int)rows.size(0)).Select(i => rows[i].data<long>().ToArray()).ToArray();
        // No window is cut: the model reads the whole rollout as it sampled it (CheckData made sure it can).
        var sampled = TokenSampling.Continue(Model, starts, completion, promptLength + completion - 1, new Sampling(settings.Temperature), generator, Device);
        var tokens = torch.cat([rows.to(Device), torch.tensor(sampled.SelectMany(c => c).ToArray(), device: Device).view(starts.Length, completion)], 1);
        var input = tokens.narrow(1, 0, tokens.size(1) - 1);
        var targets = tokens.narrow(1, 1, tokens.size(1) - 1);
        var mask = torch.zeros(targets.shape, dtype: torch.float32, device: Device);
        mask.narrow(1, promptLength - 1, completion).fill_(1);
        torch.Tensor rewards, anchored;
        using (torch.no_grad())
        {
            rewards = Reward(tokens).to(torch.float32).reshape(-1);
            anchored = PreferenceLosses.SequenceLogProbs(reference.call(input), targets, mask);
        }
        if (rewards.size(0) != starts.Length)
            throw new InvalidOperationException($"{GetType().Name}.Reward gave {rewards.size(0)} rewards for {starts.Length} sequences; it returns one per row.");
        bool wasTraining = Model.training;
        // Dropout stays off: the log-probabilities trained on are those of the policy that sampled.
        Model.eval();
        try
        {
            using var gradients = torch.enable_grad(withGradients);
            var logps = PreferenceLosses.SequenceLogProbs(Model.call(input), targets, mask);
            return Rloo.Terms(logps, anchored, rewards, k, settings.KlCoefficient);
        }
        finally
        {
            if (wasTraining) TrainMode();
        }
    }

    /// <summary>
    /// The policy's rollouts on <paramref name="prompts"/>, drawn afresh from <c>Config.Seed</c> each time so that epochs
    /// compare: the loss (the negated mean penalised reward), and the mean <c>reward</c> and <c>kl</c> (the summed
    /// log-probability ratio to the reference per completion).
    /// </summary>
    protected Evaluation EvaluateRollouts(TensorDataset prompts)
    {
        bool wasTraining = Model.training;
        Model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(unchecked((ulong)Config.Seed));
        try
        {
            double loss = 0, reward = 0, kl = 0;
            foreach (var batch in prompts.Batches(Config.BatchSize, shuffle: false))
            {
                using var batchScope = torch.NewDisposeScope();
                var terms = RolloutTermsOf(batch.Input, generator, withGradients: false);
                long count = batch.Input.size(0);
                loss += terms.Loss.item<float>() * count;
                reward += terms.Rewards.mean().item<float>() * count;
                kl += terms.Kl.mean().item<float>() * count;
            }
            long total = prompts.Count;
            return new Evaluation(loss / total, null, total)
            {
                Metrics = new System.Collections.Generic.Dictionary<string, double> { ["reward"] = reward / total, ["kl"] = kl / total },
            };
        }
        finally
        {
            if (wasTraining) TrainMode();
        }
    }

    /// <summary>
    /// A <c>Loss.Rloo</c> trainer's data: prompts <c>[N, P]</c> of tokens, which the model must take with their completions,
    /// <c>P + CompletionTokens - 1</c> tokens at once.
    /// </summary>
    private void CheckPrompts(DataSplits data, string source, string model)
    {
        var features = data.Train.Features;
        if (features.dtype != torch.int64 || features.dim() != 2)
            throw new InvalidDataException($"{source}: a Loss.Rloo trainer's samples are prompts, token rows [N, P] of int64 (Prompts.Create makes them); got {features.dtype} [{string.Join(", ", features.shape)}].");
        int window = (int)features.size(1) + PreferenceSettings.CompletionTokens - 1;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        try
        {
            Model.call(torch.zeros([1, window], dtype: torch.int64, device: Device));
        }
        // A declared shape refuses it, or (a table of positions too short) libtorch does, with its first line saying why.
        catch (Exception problem) when (problem is ShapeMismatchException or System.Runtime.InteropServices.ExternalException or ArgumentException)
        {
            string reason = problem.Message.Split('\n')[0].Trim();
            throw new InvalidDataException(
                $"{source}: prompts of {features.size(1)} tokens and completions of {PreferenceSettings.CompletionTokens} (--completion-tokens) make windows of {window} tokens, which {model} does not take: {reason}", problem);
        }
    }
}
