using System;
using System.IO;
using System.Linq;
using Sculpt.Data;
using Sculpt.HyperParameters;
using Sculpt.Preference;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>Prompts of four random tokens: 40 to train on, 16 held out.</summary>
public sealed class RandomPrompts : IDataSource
{
    public DataSplits Load(int seed)
    {
        var random = new Random(seed);
        int[][] Draw(int count) => Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 4).Select(_ => random.Next(50)).ToArray()).ToArray();
        return new DataSplits(Prompts.Create(Draw(40)), Prompts.Create(Draw(16)));
    }
}

/// <summary>A GPT with learned positions, so it reads at most <c>Context</c> tokens.</summary>
[Model(typeof(GptConfig))]
public partial class PositionalGpt
{
    [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
    [Embedding("Context", "Dim")] private partial Tensor Positions(Tensor x);
    [Submodel(Repeat = "Layers")] private partial TorchSharp.Modules.ModuleList<GptBlock> Blocks { get; }
    [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
    [Linear("Dim", "Vocabulary", Bias = false)] private partial Tensor Head(Tensor x);

    [Forward("B T -> B T Vocabulary")]
    public Tensor Forward(Tensor tokens)
    {
        var x = Tokens(tokens) + Positions(Ops.Positions(tokens));
        foreach (var block in Blocks) x = block.call(x);
        return Head(Norm(x));
    }
}

/// <summary>RLHF toward a rule: the reward is the share of completion tokens that are token 7, which a fresh model emits about 1 time in 50.</summary>
[Trainer(Loss.Rloo, Optimizer.AdamW)]
public partial class SevensTrainer : Trainer<PositionalGpt, RandomPrompts, GptConfig>
{
    protected override Tensor Reward(Tensor sequences) => sequences.narrow(1, 4, sequences.size(1) - 4).eq(7).to(float32).mean([1]);
}

/// <summary>RLHF against a reward model (its weights from --reward-from).</summary>
[Trainer(Loss.Rloo, Optimizer.AdamW, Reward = typeof(CycleRewardModel))]
public partial class RewardModelRlhfTrainer : Trainer<PositionalGpt, RandomPrompts, GptConfig>;

/// <summary>RLHF by RLOO (issue 19): the update's arithmetic, what it learns, what it leaves alone, resuming, and its inputs.</summary>
public sealed class RlhfTests : IDisposable
{
    private static readonly GptConfig Config = new()
    {
        Seed = 3, Epochs = 6, BatchSize = 8, SamplesPerPrompt = 4, CompletionTokens = 8, LearningRate = 3e-3, WeightDecay = 0, KlCoefficient = 0.01,
    };
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-rlhf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Each_completion_is_pushed_by_how_much_its_penalised_reward_beats_the_others_of_its_prompt()
    {
        // Two prompts, three completions each.
        var logps = tensor(new[] { -3f, -2, -4, -1, -5, -2 }).requires_grad_();
        var anchored = tensor(new[] { -2.5f, -2, -3, -1.5f, -4, -2 });
        var rewards = tensor(new[] { 1f, 0, 0.5f, 2, 1, 0 });
        const double coefficient = 0.2;
        var terms = Rloo.Terms(logps, anchored, rewards, samplesPerPrompt: 3, coefficient);
        terms.Loss.backward();

        float[] lp = logps.data<float>().ToArray(), an = anchored.data<float>().ToArray(), r = rewards.data<float>().ToArray();
        double[] penalised = Enumerable.Range(0, 6).Select(i => r[i] - coefficient * (lp[i] - an[i])).ToArray();
        double[] advantage = Enumerable.Range(0, 6).Select(i =>
        {
            int group = i / 3 * 3;
            double others = Enumerable.Range(group, 3).Where(j => j != i).Average(j => penalised[j]);
            return penalised[i] - others;
        }).ToArray();
        // The value reported is the objective (the negated mean penalised reward); the gradient is -advantage / N.
        Assert.Equal(-penalised.Average(), terms.Loss.item<float>(), 5);
        var gradient = logps.grad!.data<float>().ToArray();
        for (int i = 0; i < 6; i++) Assert.Equal(-advantage[i] / 6, gradient[i], 5);
        var kl = terms.Kl.data<float>().ToArray();
        for (int i = 0; i < 6; i++) Assert.Equal(lp[i] - an[i], kl[i], 6);
    }

    [Fact]
    public void Rlhf_raises_the_reward_and_leaves_the_reference_alone()
    {
        using var trainer = new SevensTrainer(Config);
        var data = new RandomPrompts().Load(Config.Seed);
        var start = trainer.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var before = trainer.Evaluate(data.Validation);
        // A fresh policy is its own reference.
        Assert.Equal(0, before.Metrics["kl"], 6);

        var fit = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);

        var after = fit.Final.Validation;
        Assert.True(before.Metrics["reward"] < 0.1 && after.Metrics["reward"] > 0.5, $"held-out reward {before.Metrics["reward"]:F3} -> {after.Metrics["reward"]:F3}");
        Assert.True(after.Loss < before.Loss, $"held-out objective {before.Loss:F3} -> {after.Loss:F3}");
        // The loss is the negated penalised reward.
        Assert.Equal(-(after.Metrics["reward"] - Config.KlCoefficient * after.Metrics["kl"]), after.Loss, 4);
        Assert.True(after.Metrics["kl"] > 0.5, $"KL {after.Metrics["kl"]:F3}");
        var reference = trainer.Reference!;
        foreach (var (name, tensor) in reference.state_dict()) Assert.True(tensor.eq(start[name]).all().item<bool>(), $"the reference's {name} changed");
        Assert.All(reference.parameters(), p => Assert.Null(p.grad));
        Assert.Equal(trainer.Model.parameters().Sum(p => p.numel()), trainer.FusedOptimizer.Parameters.Slots.Sum(s => s.Elements));
        // Evaluation samples afresh from the seed: the same model, the same numbers.
        Assert.Equal(after, trainer.Evaluate(data.Validation));
    }

    [Fact]
    public void A_resumed_rlhf_run_ends_with_the_weights_of_one_never_stopped()
    {
        var config = Config with { Epochs = 2 };
        var data = new RandomPrompts().Load(config.Seed);
        using var whole = new SevensTrainer(config);
        var uninterrupted = whole.Fit(data.Train, data.Validation, SilentProgress.Instance);

        string checkpoint;
        using (var stopped = new SevensTrainer(config))
        {
            // 40 prompts in batches of 8: step 7 is inside the second epoch.
            checkpoint = stopped.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = Path.Combine(_folder, "checkpoints"), StopAfterStep = 7 }).LastCheckpoint!;
        }
        using var resumed = new SevensTrainer(config);
        var result = resumed.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { ResumeFrom = checkpoint });

        var expected = whole.Model.state_dict();
        foreach (var (name, tensor) in resumed.Model.state_dict()) Assert.True(tensor.eq(expected[name]).all().item<bool>(), $"{name} differs");
        Assert.Equal(uninterrupted.Epochs.Select(e => e.Validation), result.Epochs.Select(e => e.Validation));
        Assert.Equal(uninterrupted.Epochs[^1].TrainLoss, result.Epochs[^1].TrainLoss, 5);
    }

    [Fact]
    public void A_declared_reward_model_scores_the_completions_and_stays_frozen()
    {
        string weights = Path.Combine(_folder, "reward.dat");
        using (var scorer = CycleRewardModel.Create(Config)) WeightFiles.Save(scorer, weights);
        using var trainer = new RewardModelRlhfTrainer(Config with { RewardFrom = weights, Epochs = 1 });
        var model = trainer.RewardModel!;
        Assert.False(model.training);
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        using var saved = CycleRewardModel.Create(Config);
        WeightFiles.Load(saved, weights);
        foreach (var (name, tensor) in model.state_dict()) Assert.True(tensor.eq(saved.state_dict()[name]).all().item<bool>(), $"{name} is not the file's");

        var data = new RandomPrompts().Load(Config.Seed);
        var start = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        foreach (var (name, tensor) in model.state_dict()) Assert.True(tensor.eq(start[name]).all().item<bool>(), $"the reward model's {name} changed");
        Assert.Equal(trainer.Model.parameters().Sum(p => p.numel()), trainer.FusedOptimizer.Parameters.Slots.Sum(s => s.Elements));

        var missing = Assert.Throws<HyperParameterException>(() => new RewardModelRlhfTrainer(Config));
        Assert.Equal("Option '--reward-from': RewardModelRlhfTrainer scores its completions with CycleRewardModel; name the weights or checkpoint of the run that trained it (its model.dat or checkpoints/best).", missing.Message);
        string absent = Path.Combine(_folder, "absent.dat");
        Assert.Equal($"Option '--reward-from': '{absent}' does not exist.", Assert.Throws<InvalidDataException>(() => new RewardModelRlhfTrainer(Config with { RewardFrom = absent })).Message);
        // The policy's weights are no reward model's.
        string policy = Path.Combine(_folder, "policy.dat");
        using (var lm = PositionalGpt.Create(Config)) WeightFiles.Save(lm, policy);
        var foreign = Assert.Throws<InvalidDataException>(() => new RewardModelRlhfTrainer(Config with { RewardFrom = policy }));
        Assert.StartsWith("Option '--reward-from': ", foreign.Message);
        Assert.Contains("does not hold weights for CycleRewardModel", foreign.Message);
    }

    [Fact]
    public void Prompts_that_do_not_fit_are_refused_before_training()
    {
        var uneven = Assert.Throws<InvalidDataException>(() => Prompts.Create([[1, 2, 3], [4, 5, 6], [7, 8]], "openings.jsonl"));
        Assert.Equal("openings.jsonl, prompt 3: 2 tokens, but prompt 1 has 3; rollouts are sampled a batch at a time, so prompts are of one length (cut or pad them).", uneven.Message);
        Assert.Equal("openings.jsonl, prompt 1: empty; the model needs at least one token to continue.", Assert.Throws<InvalidDataException>(() => Prompts.Create([[]], "openings.jsonl")).Message);

        // 4-token prompts and 13 completion tokens need windows of 16: the model's 16 positions take them, 14 do not.
        var data = new RandomPrompts().Load(1);
        using (var fits = new SevensTrainer(Config with { CompletionTokens = 13 })) fits.CheckData(data);
        using var tooLong = new SevensTrainer(Config with { CompletionTokens = 14 });
        var refused = Assert.Throws<InvalidDataException>(() => tooLong.CheckData(data));
        Assert.StartsWith("RandomPrompts: prompts of 4 tokens and completions of 14 (--completion-tokens) make windows of 17 tokens, which PositionalGpt does not take: ", refused.Message);
    }
}
