using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Sculpt.Data;
using Sculpt.Preference;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>
/// Preference pairs over a repeating 7-token cycle: the prompt is part of the cycle; the chosen completion continues it,
/// the rejected one continues it from the wrong place. A model that learns the preference learns the cycle.
/// </summary>
public sealed class CyclePreferences : IDataSource
{
    public DataSplits Load(int seed)
    {
        var random = new Random(seed);
        var cycle = Enumerable.Range(0, 50).OrderBy(_ => random.Next()).Take(7).ToArray();
        int[] Run(int start, int length) => Enumerable.Range(start, length).Select(i => cycle[i % 7]).ToArray();
        var records = new List<PreferenceRecord>();
        for (int i = 0; i < 200; i++)
        {
            int start = random.Next(7), prompt = 3 + random.Next(6), completion = 3 + random.Next(4);
            int wrong = start + prompt + 1 + random.Next(5);
            records.Add(new PreferenceRecord(Run(start, prompt), Run(start + prompt, completion), Run(wrong, completion)));
        }
        using var all = PreferencePairs.Create(records, 16, nameof(CyclePreferences));
        var (train, validation) = all.Split(0.2, seed);
        return new DataSplits(train, validation);
    }
}

/// <summary>Preference data declared in one line: a file of pairs read with the character tokenizer.</summary>
public sealed class FilePairs() : PreferenceDataset("pairs.jsonl", Sculpt.Text.TextTokenizer.Characters, context: 16, validation: 0.25);

[Trainer(Loss.Dpo, Optimizer.AdamW)]
public partial class CyclePreferenceTrainer : Trainer<TinyGptModel, CyclePreferences, GptConfig>;

/// <summary>A reward model: the GPT's body with one score per position.</summary>
[Model(typeof(GptConfig))]
public partial class CycleRewardModel
{
    [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
    [Submodel(Repeat = "Layers")] private partial TorchSharp.Modules.ModuleList<GptBlock> Blocks { get; }
    [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
    [Linear("Dim", 1)] private partial Tensor Score(Tensor x);

    [Forward("B T -> B T 1")]
    public Tensor Forward(Tensor tokens)
    {
        var x = Tokens(tokens);
        foreach (var block in Blocks) x = block.call(x);
        return Score(Norm(x));
    }
}

[Trainer(Loss.BradleyTerry, Optimizer.AdamW)]
public partial class CycleRewardTrainer : Trainer<CycleRewardModel, CyclePreferences, GptConfig>;

/// <summary>DPO (issue 19): the loss against PyTorch, what it trains, and what it must leave alone.</summary>
public sealed class PreferenceTests : IDisposable
{
    private static readonly JsonElement References = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "References", "dpo-references.json"))).RootElement;
    private static readonly GptConfig Config = new() { Epochs = 3, BatchSize = 16, LearningRate = 3e-3, Beta = 0.5, Seed = 5 };
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-preference-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Cases() => new(References.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_loss_rewards_and_gradients_match_pytorch(string name)
    {
        var reference = References.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var kind = reference.GetProperty("kind").GetString() == "ipo" ? PreferenceLoss.Ipo : PreferenceLoss.Sigmoid;
        var (policyLogits, referenceLogits, targets, mask) = Inputs();
        policyLogits.requires_grad = true;
        var policy = PreferenceLosses.SequenceLogProbs(policyLogits, targets, mask).view(-1, 2);
        var anchored = PreferenceLosses.SequenceLogProbs(referenceLogits, targets, mask).view(-1, 2);
        var tokens = mask.sum(-1).view(-1, 2);
        var terms = PreferenceLosses.Dpo(policy[.., 0], policy[.., 1], anchored[.., 0], anchored[.., 1],
            reference.GetProperty("beta").GetDouble(), kind, reference.GetProperty("label_smoothing").GetDouble(), tokens[.., 0], tokens[.., 1]);
        terms.Loss.backward();

        Assert.Equal(reference.GetProperty("loss").GetDouble(), terms.Loss.item<float>(), 5);
        AssertClose(Numbers(reference, "chosen_rewards"), terms.ChosenRewards);
        AssertClose(Numbers(reference, "rejected_rewards"), terms.RejectedRewards);
        AssertClose(Numbers(reference, "gradient"), policyLogits.grad!);
    }

    [Fact]
    public void The_bradley_terry_loss_and_its_gradient_match_pytorch()
    {
        var reference = References.GetProperty("bradley_terry");
        int rows = 2 * References.GetProperty("pairs").GetInt32();
        var rewards = tensor(Enumerable.Range(0, rows).Select(i => (float)(Math.Cos(1.7 * i) * 1.5)).ToArray());
        rewards.requires_grad = true;
        var pairs = rewards.view(-1, 2);
        var loss = PreferenceLosses.BradleyTerry(pairs[.., 0], pairs[.., 1]);
        loss.backward();
        Assert.Equal(reference.GetProperty("loss").GetDouble(), loss.item<float>(), 5);
        AssertClose(Numbers(reference, "gradient"), rewards.grad!);
    }

    [Fact]
    public void A_reward_is_read_where_the_model_has_read_the_whole_completion()
    {
        // Scores equal to their position; scored masks over an input of 6 positions (targets are the next tokens).
        var scores = arange(6, dtype: float32).repeat(3, 1).unsqueeze(-1);
        var mask = tensor(new float[,]
        {
            { 0, 1, 1, 0, 0, 0 },   // completion tokens at 2 and 3: read at input position 3
            { 0, 0, 0, 1, 1, 1 },   // completion fills the window (tokens 4 to 6): read at the last input position, 5
            { 1, 0, 0, 0, 0, 0 },   // one completion token, at 1
        });
        Assert.Equal([3f, 5, 1], PreferenceLosses.SequenceRewards(scores, mask).data<float>().ToArray());
    }

    [Fact]
    public void A_reward_model_learns_to_rank_held_out_pairs()
    {
        using var trainer = new CycleRewardTrainer(Config with { Epochs = 15 });
        var data = new CyclePreferences().Load(Config.Seed);
        var before = trainer.Evaluate(data.Validation);
        var fit = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        var after = fit.Final.Validation;
        Assert.True(after.Loss < 0.5 * Math.Log(2), $"validation loss {before.Loss:F4} -> {after.Loss:F4}, pairwise accuracy {after.Accuracy:P1}");
        Assert.True(after.Accuracy >= 0.9, $"pairwise accuracy {before.Accuracy:P1} -> {after.Accuracy:P1}");
        Assert.True(after.Metrics["reward_margin"] > before.Metrics["reward_margin"]);
        // A reward model keeps no reference.
        Assert.Null(trainer.Reference);
    }

    [Fact]
    public void Prompt_and_padding_tokens_get_no_gradient()
    {
        var (policyLogits, referenceLogits, targets, mask) = Inputs();
        policyLogits.requires_grad = true;
        var policy = PreferenceLosses.SequenceLogProbs(policyLogits, targets, mask).view(-1, 2);
        var anchored = PreferenceLosses.SequenceLogProbs(referenceLogits, targets, mask).view(-1, 2);
        PreferenceLosses.Dpo(policy[.., 0], policy[.., 1], anchored[.., 0], anchored[.., 1], 0.1).Loss.backward();
        var unscored = mask.eq(0);
        Assert.True(unscored.any().item<bool>());
        // Exactly zero, not small: the masked positions are not in the loss at all.
        Assert.Equal(0f, policyLogits.grad!.abs().sum(-1).masked_select(unscored).max().item<float>());
        Assert.True(policyLogits.grad!.abs().sum(-1).masked_select(unscored.logical_not()).min().item<float>() > 0);
    }

    [Fact]
    public void Dpo_training_ranks_held_out_pairs_right_and_widens_the_margin()
    {
        using var trainer = new CyclePreferenceTrainer(Config with { Epochs = 6 });
        var data = new CyclePreferences().Load(Config.Seed);
        var before = trainer.Evaluate(data.Validation);
        // A fresh policy is its own reference: every reward and the margin start at zero, and the loss at log 2.
        Assert.Equal(Math.Log(2), before.Loss, 5);
        Assert.Equal(0, before.Metrics["reward_margin"], 6);

        var fit = trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);
        var after = fit.Final.Validation;
        Assert.True(after.Loss < 0.5 * before.Loss, $"validation loss {before.Loss:F4} -> {after.Loss:F4}");
        Assert.True(after.Accuracy >= 0.9, $"preference accuracy {after.Accuracy:P1}");
        Assert.True(after.Metrics["reward_margin"] > 1, $"margin {after.Metrics["reward_margin"]:F3}");
        Assert.True(after.Metrics["reward_chosen"] > after.Metrics["reward_rejected"]);
    }

    [Fact]
    public void The_reference_stays_the_starting_model_without_gradients_or_optimizer_state()
    {
        using var trainer = new CyclePreferenceTrainer(Config with { Epochs = 1 });
        var start = trainer.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var reference = trainer.Reference!;
        Assert.All(reference.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(reference.training);
        var data = new CyclePreferences().Load(Config.Seed);
        trainer.Fit(data.Train, data.Validation, SilentProgress.Instance);

        foreach (var (name, tensor) in reference.state_dict()) Assert.True(tensor.eq(start[name]).all().item<bool>(), $"the reference's {name} changed");
        Assert.Contains(trainer.Model.state_dict(), p => !p.Value.eq(start[p.Key]).all().item<bool>());
        Assert.All(reference.parameters(), p => Assert.Null(p.grad));
        // The optimizer holds the policy's parameters only.
        long policy = trainer.Model.parameters().Sum(p => p.numel());
        Assert.Equal(policy, trainer.FusedOptimizer.Parameters.Slots.Sum(s => s.Elements));
    }

    [Fact]
    public void A_resumed_run_ends_with_the_weights_of_one_never_stopped()
    {
        var data = new CyclePreferences().Load(Config.Seed);
        using var whole = new CyclePreferenceTrainer(Config with { Epochs = 2 });
        var uninterrupted = whole.Fit(data.Train, data.Validation, SilentProgress.Instance);

        string folder = Path.Combine(_folder, "checkpoints");
        string checkpoint;
        using (var stopped = new CyclePreferenceTrainer(Config with { Epochs = 2 }))
        {
            // 160 pairs in batches of 16: stopped inside the second epoch, so the first one's report comes from the checkpoint.
            checkpoint = stopped.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { CheckpointFolder = folder, StopAfterStep = 13 }).LastCheckpoint!;
        }
        using var resumed = new CyclePreferenceTrainer(Config with { Epochs = 2 });
        var result = resumed.Fit(data.Train, data.Validation, SilentProgress.Instance, new FitOptions { ResumeFrom = checkpoint });
        Assert.Equal(2, result.Epochs.Count);
        var expected = whole.Model.state_dict();
        foreach (var (name, tensor) in resumed.Model.state_dict()) Assert.True(tensor.eq(expected[name]).all().item<bool>(), $"{name} differs");
        Assert.Equal(whole.Evaluate(data.Validation).Metrics["reward_margin"], result.Final.Validation.Metrics["reward_margin"]);
        // The reward metrics of the epoch before the stop went through the checkpoint and back.
        Assert.Equal(uninterrupted.Epochs[0].Validation, result.Epochs[0].Validation);
        Assert.Equal(3, result.Epochs[0].Validation.Metrics.Count);
    }

    [Fact]
    public void Preference_files_with_bad_records_are_refused_naming_the_line()
    {
        int[] Tokenize(string text) => text.Select(c => c is >= 'a' and <= 'z' ? c - 'a' : throw new ArgumentException($"'{c}' is not in the vocabulary (a-z).")).ToArray();
        string Refusal(params string[] lines)
        {
            string path = Path.Combine(_folder, "pairs.jsonl");
            File.WriteAllLines(path, lines);
            return Assert.Throws<InvalidDataException>(() => PreferencePairs.Read(path, Tokenize)).Message.Replace(path, "pairs.jsonl");
        }
        const string Good = """{"prompt": "ab", "chosen": "cd", "rejected": "ce"}""";
        Assert.Equal("pairs.jsonl:2: not a JSON object ('not json' is an invalid JSON literal).", Refusal(Good, "not json"));
        Assert.Equal("pairs.jsonl:1: not a JSON object, but a array.", Refusal("[1, 2]"));
        Assert.Equal("pairs.jsonl:1: the record has no \"rejected\" (a preference record has \"prompt\", \"chosen\" and \"rejected\").", Refusal("""{"prompt": "ab", "chosen": "cd"}"""));
        Assert.Equal("pairs.jsonl:1: \"chosen\" is a number, not text.", Refusal("""{"prompt": "ab", "chosen": 3, "rejected": "cd"}"""));
        Assert.Equal("pairs.jsonl:3: \"rejected\": '!' is not in the vocabulary (a-z).", Refusal(Good, "", """{"prompt": "ab", "chosen": "cd", "rejected": "c!"}"""));
        Assert.Equal("pairs.jsonl:1: \"chosen\" and \"rejected\" are the same text, which says nothing about what is preferred.", Refusal("""{"prompt": "ab", "chosen": "cd", "rejected": "cd"}"""));
        Assert.Equal("pairs.jsonl holds no preference records.", Refusal("", " "));

        var records = PreferencePairs.Read(WriteLines(Good, """{"prompt": "x", "chosen": "abcdef", "rejected": "b"}"""), Tokenize);
        Assert.Equal([0, 1], records[0].Prompt);
        var refused = Assert.Throws<InvalidDataException>(() => PreferencePairs.Create(records, 5, "pairs.jsonl"));
        Assert.Equal("pairs.jsonl, pair 2: the prompt and chosen completion are 7 tokens, but the model reads 5 and is scored on one more (6); shorten them.", refused.Message);
        using var pairs = PreferencePairs.Create(records, 6, "pairs.jsonl");
        Assert.Equal([2L, 2, 7], pairs.Features.shape);
        // The chosen row of the first pair: prompt "ab", completion "cd" (scored), padding.
        Assert.Equal([0L, 1, 2, 3, 0, 0, 0], pairs.Features[0, 0].data<long>().ToArray());
        Assert.Equal([0f, 0, 1, 1, 0, 0, 0], pairs.Targets[0, 0].data<float>().ToArray());
    }

    [Fact]
    public void Ratings_become_pairs_of_every_two_differently_scored_completions_of_a_prompt()
    {
        int[] Tokenize(string text) => text.Select(c => c is >= 'a' and <= 'z' ? c - 'a' : throw new ArgumentException($"'{c}' is not in the vocabulary (a-z).")).ToArray();
        string path = Path.Combine(_folder, "ratings.jsonl");
        File.WriteAllLines(path,
        [
            """{"prompt": "ab", "completion": "c", "score": 1}""",
            """{"prompt": "ab", "completion": "d", "score": 3.5}""",
            """{"prompt": "x", "completion": "y", "score": 2}""",
            """{"prompt": "ab", "completion": "e", "score": "2"}""",
            """{"prompt": "ab", "completion": "f", "score": 1}""",
        ]);
        var pairs = PreferencePairs.Read(path, Tokenize);
        // "ab": d (3.5) > e (2) > c = f (1): five pairs, the tie left out; "x" has one completion and makes none.
        Assert.Equal(["d>c", "e>c", "d>e", "d>f", "e>f"], pairs.Select(p => $"{(char)('a' + p.Chosen[0])}>{(char)('a' + p.Rejected[0])}"));
        Assert.All(pairs, p => Assert.Equal([0, 1], p.Prompt));
        // A gap: only pairs scored more than 1.5 apart.
        Assert.Equal(["d>c", "d>f"], PreferencePairs.Read(path, Tokenize, minimumGap: 1.5).Select(p => $"{(char)('a' + p.Chosen[0])}>{(char)('a' + p.Rejected[0])}"));

        string Refusal(string name, params string[] lines)
        {
            string file = Path.Combine(_folder, name);
            File.WriteAllLines(file, lines);
            return Assert.Throws<InvalidDataException>(() => PreferencePairs.Read(file, Tokenize)).Message.Replace(_folder + Path.DirectorySeparatorChar, "");
        }
        Assert.Equal("r.jsonl:2: \"score\" is 'high', not a number.", Refusal("r.jsonl", """{"prompt": "a", "completion": "b", "score": 1}""", """{"prompt": "a", "completion": "c", "score": "high"}"""));
        Assert.Equal("r.jsonl:1: \"score\" is a null, not a number.", Refusal("r.jsonl", """{"prompt": "a", "completion": "b", "score": null}"""));
        Assert.Equal("r.jsonl:2: the record has no \"completion\" (a rating has \"prompt\", \"completion\" and \"score\").", Refusal("r.jsonl", """{"prompt": "a", "completion": "b", "score": 1}""", """{"prompt": "a", "chosen": "b", "rejected": "c"}"""));
        Assert.Equal("r.jsonl:1: the record has neither \"chosen\" and \"rejected\" (a preference pair) nor \"completion\" and \"score\" (a rating).", Refusal("r.jsonl", """{"prompt": "a", "text": "b"}"""));
        Assert.Equal("r.jsonl: no prompt has two completions whose scores differ by more than 0, so its 2 ratings make no preference pairs.", Refusal("r.jsonl", """{"prompt": "a", "completion": "b", "score": 1}""", """{"prompt": "a", "completion": "c", "score": 1}"""));
        Assert.Equal("r.csv:3: \"score\" is NaN; a score is a finite number.", Refusal("r.csv", "prompt,completion,score", "a,b,1", "a,c,NaN"));
    }

    [Fact]
    public void Csv_preference_files_read_as_the_json_lines_do()
    {
        int[] Tokenize(string text) => text.Select(c => c is >= 'a' and <= 'z' ? c - 'a' : c == ',' ? 26 : c == '\n' ? 27 : throw new ArgumentException($"'{c}' is not in the vocabulary.")).ToArray();
        string csv = Path.Combine(_folder, "pairs.csv");
        // Quoted fields may hold the delimiter and newlines; a column the reader does not know is ignored.
        File.WriteAllText(csv, "id,prompt,chosen,rejected\n1,ab,cd,ce\n2,\"x,y\",\"ab\ncd\",b\n");
        var pairs = PreferencePairs.Read(csv, Tokenize);
        Assert.Equal(2, pairs.Count);
        Assert.Equal([23, 26, 24], pairs[1].Prompt);
        Assert.Equal([0, 1, 27, 2, 3], pairs[1].Chosen);
        string jsonl = Path.Combine(_folder, "pairs.jsonl");
        File.WriteAllLines(jsonl, ["""{"prompt": "ab", "chosen": "cd", "rejected": "ce"}""", """{"prompt": "x,y", "chosen": "ab\ncd", "rejected": "b"}"""]);
        Assert.Equal(PreferencePairs.Read(jsonl, Tokenize).Select(Describe), pairs.Select(Describe));

        File.WriteAllText(csv, "prompt,chosen\nab,cd\n");
        var refused = Assert.Throws<InvalidDataException>(() => PreferencePairs.Read(csv, Tokenize));
        Assert.Equal($"{csv}:2: the record has no \"rejected\" (a preference record has \"prompt\", \"chosen\" and \"rejected\").", refused.Message);

        static string Describe(PreferenceRecord r) => $"{string.Join(" ", r.Prompt)}|{string.Join(" ", r.Chosen)}|{string.Join(" ", r.Rejected)}";
    }

    [Fact]
    public void A_declared_preference_dataset_reads_its_file_from_the_data_folder()
    {
        var lines = Enumerable.Range(0, 8).Select(i => $$"""{"prompt": "Q{{i}}: ", "chosen": "yes", "rejected": "no{{i}}"}""").ToArray();
        File.WriteAllLines(Path.Combine(_folder, "pairs.jsonl"), lines);
        var data = new FilePairs { DataFolder = _folder }.Load(3);
        Assert.Equal(6, data.Train.Count);
        Assert.Equal(2, data.Validation.Count);
        Assert.Equal(Path.Combine(_folder, "pairs.jsonl"), data.Source);
        Assert.Equal([2L, 17], data.Train.Features.shape[1..]);

        File.WriteAllLines(Path.Combine(_folder, "pairs.jsonl"), [.. lines, """{"prompt": "Q: ", "chosen": "a very long answer indeed", "rejected": "no"}"""]);
        var refused = Assert.Throws<InvalidDataException>(() => new FilePairs { DataFolder = _folder }.Load(3));
        Assert.Equal($"{Path.Combine(_folder, "pairs.jsonl")}, pair 9: the prompt and chosen completion are 28 tokens, but the model reads 16 and is scored on one more (17); shorten them.", refused.Message);
        Assert.Throws<FileNotFoundException>(() => new FilePairs { DataFolder = Path.Combine(_folder, "elsewhere") }.Load(3));
    }

    private string WriteLines(params string[] lines)
    {
        string path = Path.Combine(_folder, "good.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The fixture's inputs, rebuilt from the same closed formulas as References/make_dpo_reference.py.</summary>
    private static (Tensor Policy, Tensor Reference, Tensor Targets, Tensor Mask) Inputs()
    {
        int pairs = References.GetProperty("pairs").GetInt32(), positions = References.GetProperty("positions").GetInt32(), vocabulary = References.GetProperty("vocabulary").GetInt32();
        int rows = 2 * pairs;
        Tensor Logits(double offset) => tensor(Enumerable.Range(0, rows * positions * vocabulary).Select(i => (float)(Math.Sin(0.37 * i + offset) * 2)).ToArray()).view(rows, positions, vocabulary);
        var targets = tensor(Enumerable.Range(0, rows * positions).Select(i => (long)((3 * i + 1) % vocabulary)).ToArray()).view(rows, positions);
        var mask = tensor(Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(0, positions).Select(p => p >= r % 3 && !(r == rows - 1 && p == positions - 1) ? 1f : 0f)).ToArray()).view(rows, positions);
        return (Logits(0.0), Logits(0.8), targets, mask);
    }

    private static double[] Numbers(JsonElement element, string name) => element.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertClose(double[] expected, Tensor actual)
    {
        var values = actual.flatten().to(float64).data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++) Assert.True(Math.Abs(expected[i] - values[i]) <= 1e-5 + 1e-4 * Math.Abs(expected[i]), $"element {i}: PyTorch {expected[i]}, Sculpt {values[i]}");
    }
}
