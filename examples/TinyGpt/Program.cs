// A small GPT trained on Debian's fortune cookies, one character at a time.
//   dotnet run --project examples/TinyGpt -c Release              (then any --options; --help lists them)
// It reports the validation perplexity next to the unigram baseline's and samples text from a prompt.
//   dotnet run --project examples/TinyGpt -c Release -- finetune   (pretraining, then fine-tuning on one collection: docs/fine-tuning.md)
//   dotnet run --project examples/TinyGpt -c Release -- prefer     (DPO toward completions with fewer letters 'e': docs/preference-tuning.md)
//   dotnet run --project examples/TinyGpt -c Release -- reward     (a reward model on the same pairs: docs/preference-tuning.md)
//   dotnet run --project examples/TinyGpt -c Release -- rlhf       (RLOO against that reward model: docs/preference-tuning.md)
using System;
using System.IO;
using Sculpt;
using Sculpt.Data;
using Sculpt.Text;
using Sculpt.Training;
using TinyGpt;
using static TorchSharp.torch;

if (args is ["finetune", ..]) return FineTuning.Run(args[1..]);
if (args is ["prefer", ..]) return PreferenceTuning.Run(args[1..]);
if (args is ["reward", ..]) return PreferenceTuning.RunReward(args[1..]);
if (args is ["rlhf", ..]) return PreferenceTuning.RunRlhf(args[1..]);
return TrainerCommandLine.Run<GptTrainer, Gpt, FortunesCorpus, GptConfig>(
    "TinyGpt", args, static (config, device) => new GptTrainer(config, device), afterTraining: Report);

static void Report(GptTrainer trainer, DataSplits data, TextWriter output)
{
    double perplexity = Math.Exp(trainer.Evaluate(data.Validation).Loss);
    double unigram = LanguageModelBaselines.UnigramPerplexity(data.Train.Targets, data.Validation.Targets, FortunesCorpus.Vocabulary.Count);
    output.WriteLine($"validation perplexity {perplexity:F2} per character; the unigram baseline's is {unigram:F2}");

    var config = trainer.Config;
    var prompt = FortunesCorpus.Vocabulary.Encode(config.Prompt);
    using var generator = new Generator((ulong)config.Seed);
    foreach (var (name, sampling) in new[] { ("greedy", Sampling.Greedy), ("temperature 0.8", new Sampling(0.8)), ("top-k 10", new Sampling(1.0, TopK: 10)) })
    {
        var tokens = TokenSampling.Generate(trainer.Model, prompt, config.SampleLength, config.Context, sampling, generator, trainer.Device);
        output.WriteLine($"--- {name} ---");
        output.WriteLine(FortunesCorpus.Vocabulary.Decode(tokens));
    }
}

namespace TinyGpt
{
    [HyperParameters]
    public partial record GptConfig : Sculpt.Preference.PreferenceHyperParameters
    {
        /// <summary>Tokens the model knows: newline, printable ASCII, and one for any other character.</summary>
        public int Vocabulary { get; init; } = 97;

        // The position table must cover the corpus windows (64 characters); longer is allowed.
        /// <summary>Positions the model can attend over, at least the corpus' 64-character windows.</summary>
        [Range(FortunesCorpus.Context, 4096)] public int Context { get; init; } = FortunesCorpus.Context;

        /// <summary>Width of the token vectors throughout the model.</summary>
        [Range(8, 1024)] public int Dim { get; init; } = 128;

        /// <summary>Attention heads in each block; they must divide --dim.</summary>
        [Range(1, 64)] public int Heads { get; init; } = 4;

        /// <summary>Transformer blocks.</summary>
        [Range(1, 48)] public int Layers { get; init; } = 3;

        /// <summary>Hidden units of each block's MLP.</summary>
        [Range(8, 4096)] public int Mlp { get; init; } = 512;

        /// <summary>The text the samples after training start from.</summary>
        public string Prompt { get; init; } = "The ";

        /// <summary>Characters sampled after the prompt, in each of the three ways.</summary>
        [Range(1, 10000)] public int SampleLength { get; init; } = 200;

        public override int Epochs { get; init; } = 2;
        public override int BatchSize { get; init; } = 64;
        public override double LearningRate { get; init; } = 2e-3;
        public override double WeightDecay { get; init; } = 0.01;
    }

    /// <summary>A pre-norm transformer block: causal self-attention and an MLP, each in a residual.</summary>
    [Model(typeof(GptConfig), Init = InitScheme.Normal, Exportable = true)]
    public partial class Block
    {
        [LayerNorm("Dim")] private partial Tensor Norm1(Tensor x);
        [Init(InitScheme.Normal, ScaleByDepth = "Layers")]
        [SelfAttention("Dim", "Heads", Causal = true)] private partial Tensor Attention(Tensor x);
        [LayerNorm("Dim")] private partial Tensor Norm2(Tensor x);
        [Linear("Dim", "Mlp")] private partial Tensor Up(Tensor x);
        [Init(InitScheme.Normal, ScaleByDepth = "Layers")]
        [Linear("Mlp", "Dim")] private partial Tensor Down(Tensor x);

        [Forward("B T Dim -> B T Dim")]
        public Tensor Forward(Tensor x)
        {
            x = x + Attention(Norm1(x));
            return x + Down(Ops.Gelu(Up(Norm2(x))));
        }
    }

    /// <summary>GPT-2's shape at toy size: token and position embeddings, blocks, a head tied to the tokens.</summary>
    [Model(typeof(GptConfig), Init = InitScheme.Normal, Exportable = true)]
    public partial class Gpt
    {
        [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
        [Embedding("Context", "Dim")] private partial Tensor Positions(Tensor x);
        [Submodel(Repeat = "Layers")] private partial TorchSharp.Modules.ModuleList<Block> Blocks { get; }
        [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
        [Linear("Dim", "Vocabulary", Bias = false, TiedTo = nameof(Tokens))] private partial Tensor Head(Tensor x);

        [Forward("B T -> B T Vocabulary")]
        public Tensor Forward(Tensor tokens)
        {
            var x = Tokens(tokens) + Positions(Ops.Positions(tokens));
            foreach (var block in Blocks) x = block.call(x);
            return Head(Norm(x));
        }
    }

    [Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
    public partial class GptTrainer : Trainer<Gpt, FortunesCorpus, GptConfig>;

    /// <summary>The same model tuned by DPO toward preferred completions (PreferenceTuning.cs).</summary>
    [Trainer(Loss.Dpo, Optimizer.AdamW)]
    public partial class PreferenceTrainer : Trainer<Gpt, LetterPreferences, GptConfig>;

    /// <summary>A reward model: the GPT's body, started from the language model, with one score per position instead of its head.</summary>
    [Model(typeof(GptConfig), Init = InitScheme.Normal)]
    public partial class RewardModel
    {
        [Embedding("Vocabulary", "Dim")] private partial Tensor Tokens(Tensor x);
        [Embedding("Context", "Dim")] private partial Tensor Positions(Tensor x);
        [Submodel(Repeat = "Layers")] private partial TorchSharp.Modules.ModuleList<Block> Blocks { get; }
        [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
        [Linear("Dim", 1)] private partial Tensor Score(Tensor x);

        [Forward("B T -> B T 1")]
        public Tensor Forward(Tensor tokens)
        {
            var x = Tokens(tokens) + Positions(Ops.Positions(tokens));
            foreach (var block in Blocks) x = block.call(x);
            return Score(Norm(x));
        }
    }

    /// <summary>The reward model trained on the same pairs with the Bradley-Terry loss (PreferenceTuning.cs).</summary>
    [Trainer(Loss.BradleyTerry, Optimizer.AdamW)]
    public partial class RewardTrainer : Trainer<RewardModel, LetterPreferences, GptConfig>;

    /// <summary>The language model tuned by RLHF (RLOO) against the reward model's scores (PreferenceTuning.cs).</summary>
    [Trainer(Loss.Rloo, Optimizer.AdamW, Reward = typeof(RewardModel))]
    public partial class RlhfTrainer : Trainer<Gpt, FortuneOpenings, GptConfig>;
}
