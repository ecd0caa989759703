using System;
using System.Collections.Generic;
using Sculpt.Data;
using Sculpt.Models;
using Sculpt.Preference;
using TorchSharp;

namespace Sculpt.Training;

// Preference pairs (Loss.Dpo, Loss.BradleyTerry): the frozen reference, and the losses and evaluations the generated trainer calls.
public abstract partial class Trainer<TModel, TData, TConfig>
{
    private TModel? _reference;

    /// <summary>Whether the trainer's samples are preference pairs (<c>Loss.Dpo</c>, <c>Loss.BradleyTerry</c>); the generator says.</summary>
    protected virtual bool TrainsOnPairs => false;

    /// <summary>Whether the trainer keeps a frozen reference of the starting model (<c>Loss.Dpo</c>); the generator says.</summary>
    protected virtual bool KeepsReference => false;

    /// <summary>
    /// The frozen reference of preference tuning: a copy of the model as it starts (its initialisers or <c>--init-from</c>),
    /// in eval mode, without gradients or optimizer state. Taken when the trainer is built, so a resumed run has the same one.
    /// </summary>
    public TModel? Reference => _reference;

    private void KeepReference()
    {
        if (!KeepsReference) return;
        _reference = FrozenModel<TModel>(reference =>
        {
            using var noGrad = torch.no_grad();
            var start = Model.state_dict();
            foreach (var (name, tensor) in reference.state_dict()) tensor.copy_(start[name]);
        });
    }

    /// <summary>
    /// A model that runs beside the trained one and never trains (DPO's reference, RLHF's reward model): built, given its
    /// weights by <paramref name="setWeights"/>, then without gradients, on the trainer's device, in eval mode. Its own
    /// initial values are overwritten at once, so they are drawn from a scratch stream and the trainer's stays as it was.
    /// </summary>
    private T FrozenModel<T>(Action<T> setWeights) where T : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<T, TConfig>
    {
        T model;
        using (new TrainerRandom(0).Use()) model = T.Create(Config);
        try
        {
            setWeights(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        model.to(Device);
        model.eval();
        return model;
    }

    private PreferenceHyperParameters PreferenceSettings => Config as PreferenceHyperParameters
        ?? throw new InvalidOperationException($"{typeof(TConfig).Name} does not derive from {nameof(PreferenceHyperParameters)}, which Loss.Dpo reads Beta from.");

    /// <summary>What the model reads of a batch's features: the features, or for preference pairs their token rows.</summary>
    protected virtual torch.Tensor ModelInput(torch.Tensor features) => TrainsOnPairs ? PreferencePairs.ModelInput(features) : features;

    /// <summary>
    /// DPO's loss of a batch of preference pairs (<see cref="PreferencePairs"/>), with <paramref name="forward"/> the policy's
    /// forward pass (the training one, or a micro-batch's) and the reference's log-probabilities computed without gradients.
    /// </summary>
    protected torch.Tensor PreferenceLoss(torch.Tensor pairs, torch.Tensor masks, Func<torch.Tensor, torch.Tensor> forward)
    {
        using var scope = torch.NewDisposeScope();
        var terms = PreferenceTermsOf(pairs, masks, forward(PreferencePairs.ModelInput(pairs)));
        return terms.Loss.MoveToOuterDisposeScope();
    }

    private PreferenceTerms PreferenceTermsOf(torch.Tensor pairs, torch.Tensor masks, torch.Tensor logits)
    {
        var settings = PreferenceSettings;
        var reference = _reference ?? throw new InvalidOperationException("This trainer keeps no reference model: it does not train on preferences.");
        var input = PreferencePairs.ModelInput(pairs);
        var (targets, mask) = PreferencePairs.Scored(pairs, masks);
        var policy = PreferenceLosses.SequenceLogProbs(logits, targets, mask).view(-1, 2);
        torch.Tensor anchored;
        using (torch.no_grad()) anchored = PreferenceLosses.SequenceLogProbs(reference.call(input), targets, mask).view(-1, 2);
        var tokens = mask.sum(-1).view(-1, 2);
        return PreferenceLosses.Dpo(policy[.., 0], policy[.., 1], anchored[.., 0], anchored[.., 1], settings.Beta, settings.PreferenceLoss, settings.LabelSmoothing, tokens[.., 0], tokens[.., 1]);
    }

    /// <summary>
    /// The Bradley-Terry loss of a reward model on a batch of preference pairs, with <paramref name="forward"/> the model's
    /// forward pass: each completion's reward is the model's score at its last token (PreferenceLosses.SequenceRewards).
    /// </summary>
    protected torch.Tensor RewardLoss(torch.Tensor pairs, torch.Tensor masks, Func<torch.Tensor, torch.Tensor> forward)
    {
        using var scope = torch.NewDisposeScope();
        return RewardTermsOf(pairs, masks, forward(PreferencePairs.ModelInput(pairs))).Loss.MoveToOuterDisposeScope();
    }

    private static PreferenceTerms RewardTermsOf(torch.Tensor pairs, torch.Tensor masks, torch.Tensor scores)
    {
        var rewards = PreferenceLosses.SequenceRewards(scores, PreferencePairs.Scored(pairs, masks).Mask).view(-1, 2);
        return new PreferenceTerms(PreferenceLosses.BradleyTerry(rewards[.., 0], rewards[.., 1]), rewards[.., 0], rewards[.., 1]);
    }

    /// <summary>
    /// A reward model's mean Bradley-Terry loss over <paramref name="data"/>, the share of pairs it scores the right way
    /// round (pairwise accuracy, as accuracy), and the mean rewards of chosen and rejected completions and their margin.
    /// </summary>
    protected Evaluation EvaluateRewards(TensorDataset data) =>
        EvaluatePairs(data, (pairs, masks) => RewardTermsOf(pairs, masks, Model.call(PreferencePairs.ModelInput(pairs))));

    /// <summary>
    /// The mean preference loss over <paramref name="data"/>, the share of pairs whose chosen completion the policy rewards
    /// more than the rejected one (as accuracy), and TRL's reward metrics: the mean rewards of chosen and rejected
    /// completions and their margin.
    /// </summary>
    protected Evaluation EvaluatePreferences(TensorDataset data) =>
        EvaluatePairs(data, (pairs, masks) => PreferenceTermsOf(pairs, masks, Model.call(PreferencePairs.ModelInput(pairs))));

    /// <summary>Loss, the share of pairs whose chosen completion gets the larger reward, and the mean rewards, over <paramref name="data"/> in eval mode.</summary>
    private Evaluation EvaluatePairs(TensorDataset data, Func<torch.Tensor, torch.Tensor, PreferenceTerms> terms)
    {
        bool wasTraining = Model.training;
        Model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var onDevice = data.To(Device);
        try
        {
            double loss = 0, chosen = 0, rejected = 0;
            long correct = 0;
            foreach (var batch in onDevice.Batches(Config.BatchSize, shuffle: false))
            {
                using var batchScope = torch.NewDisposeScope();
                var batchTerms = terms(batch.Input, batch.Target);
                long pairs = batch.Input.size(0);
                loss += batchTerms.Loss.item<float>() * pairs;
                chosen += batchTerms.ChosenRewards.sum().item<float>();
                rejected += batchTerms.RejectedRewards.sum().item<float>();
                correct += batchTerms.ChosenRewards.gt(batchTerms.RejectedRewards).sum().item<long>();
            }
            long count = data.Count;
            return new Evaluation(loss / count, correct / (double)count, count)
            {
                Metrics = new Dictionary<string, double>
                {
                    ["reward_chosen"] = chosen / count,
                    ["reward_rejected"] = rejected / count,
                    ["reward_margin"] = (chosen - rejected) / count,
                },
            };
        }
        finally
        {
            if (wasTraining) TrainMode();
        }
    }
}
