// A small GPT that learns text one character at a time.
//   dotnet run                   writes data/stories.txt on the first run, trains, then samples text from --prompt
//   dotnet run -- --help         every option
//   dotnet run -- export --onnx model.onnx   the trained model as an ONNX file
//   dotnet run -- predict --prompt "The cat"  the trained model continues a prompt (--help: sampling options)
//   dotnet test SculptLm.Tests   the project's tests
// Point the dataset at your own text file: any UTF-8 text; characters outside ASCII share one token.
using System;
using System.IO;
using Sculpt;
using Sculpt.Data;
using Sculpt.Text;
using Sculpt.Training;
using SculptLm;
using static TorchSharp.torch;

StoryText.WriteIfMissing();
return TrainerCommandLine.Run<StoryTrainer, StoryModel, Stories, StoryConfig>(
    "StoryTrainer", args, static (config, device) => new StoryTrainer(config, device), afterTraining: Sample);

static void Sample(StoryTrainer trainer, DataSplits data, TextWriter output)
{
    output.WriteLine($"validation perplexity {Math.Exp(trainer.Evaluate(data.Validation).Loss):F2} per character");
    var config = trainer.Config;
    using var generator = new Generator((ulong)config.Seed);
    var tokens = TokenSampling.Generate(trainer.Model, TextTokenizer.Characters.Encode(config.Prompt), config.SampleLength, config.Context, new Sampling(0.8), generator, trainer.Device);
    output.WriteLine(TextTokenizer.Characters.Decode(tokens));
}

namespace SculptLm
{
    /// <summary>data/stories.txt cut into 64-character windows, each character a token (ASCII: 97 of them).</summary>
    [TextDataset("data/stories.txt", Tokenizer = Tokenization.Characters, Context = 64, Validation = 0.1)]
    public partial class Stories;

    [HyperParameters]
    public partial record StoryConfig : TrainingHyperParameters
    {
        /// <summary>Tokens the model knows: the character tokenizer's 97.</summary>
        public int Vocabulary { get; init; } = 97;

        /// <summary>Positions the model attends over: the dataset's 64-character windows.</summary>
        [Range(64, 4096)] public int Context { get; init; } = 64;

        /// <summary>Width of the token vectors.</summary>
        [Range(8, 1024), SearchChoice(32, 64, 128)] public int Dim { get; init; } = 64;

        /// <summary>Attention heads per block; they must divide --dim.</summary>
        [Range(1, 64)] public int Heads { get; init; } = 4;

        /// <summary>Transformer blocks.</summary>
        [Range(1, 48)] public int Layers { get; init; } = 2;

        /// <summary>The text samples start from.</summary>
        public string Prompt { get; init; } = "The ";

        /// <summary>Characters sampled after the prompt.</summary>
        [Range(1, 10000)] public int SampleLength { get; init; } = 120;

        public override int Epochs { get; init; } = 6;
        public override int BatchSize { get; init; } = 32;
        public override double LearningRate { get; init; } = 3e-3;
    }

    /// <summary>Pre-norm transformer block: attention, then an MLP four times as wide, each added back.</summary>
    [Model(typeof(StoryConfig), Exportable = true)]
    public partial class Block
    {
        [LayerNorm("Dim")] private partial Tensor Norm1(Tensor x);
        [SelfAttention("Dim", "Heads", Causal = true)] private partial Tensor Attention(Tensor x);
        [LayerNorm("Dim")] private partial Tensor Norm2(Tensor x);
        [Linear("Dim", "4*Dim")] private partial Tensor Up(Tensor x);
        [Linear("4*Dim", "Dim")] private partial Tensor Down(Tensor x);

        [Forward("B T Dim -> B T Dim")]
        public Tensor Forward(Tensor x)
        {
            x = x + Attention(Norm1(x));
            return x + Down(Ops.Gelu(Up(Norm2(x))));
        }
    }

    [Model(typeof(StoryConfig), Exportable = true)]
    public partial class StoryModel
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
    public partial class StoryTrainer : Trainer<StoryModel, Stories, StoryConfig>;

    /// <summary>Writes data/stories.txt in the working directory (the project folder under dotnet run): short sentences from a small grammar. Replace it with your own text.</summary>
    public static class StoryText
    {
        public static string Path => System.IO.Path.Combine("data", "stories.txt");

        public static void WriteIfMissing()
        {
            if (File.Exists(Path)) return;
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            string[] who = ["The cat", "A small dog", "The old fox", "My friend", "The girl", "A tired bird"];
            string[] did = ["sat on", "looked at", "ran past", "found", "sang to", "slept near"];
            string[] what = ["the red mat.", "a green tree.", "the quiet river.", "an open door.", "the big house.", "a warm fire."];
            var random = new Random(3);
            var text = new System.Text.StringBuilder();
            for (int i = 0; i < 6000; i++)
            {
                text.Append(who[random.Next(who.Length)]).Append(' ').Append(did[random.Next(did.Length)]).Append(' ').Append(what[random.Next(what.Length)]);
                text.Append(i % 4 == 3 ? '\n' : ' ');
            }
            File.WriteAllText(Path, text.ToString());
            Console.WriteLine($"wrote {Path}: 6,000 sentences");
        }
    }
}
