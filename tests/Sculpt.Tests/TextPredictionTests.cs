using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Sculpt.HyperParameters;
using Sculpt.Prediction;
using Sculpt.Text;
using Sculpt.Training;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

/// <summary>The digits 0-9 and a newline, over and over: each character says which comes next.</summary>
[TextDataset("digits.txt", Context = 8, CacheFolder = "sculpt-test-token-cache", Validation = 0.1)]
public partial class DigitText;

[HyperParameters]
public partial record DigitConfig : TrainingHyperParameters
{
    public override int Epochs { get; init; } = 3;
    public override int BatchSize { get; init; } = 16;
    public override double LearningRate { get; init; } = 3e-2;
}

/// <summary>A bigram model: enough for text where one character decides the next.</summary>
[Model(typeof(DigitConfig))]
public partial class DigitNet
{
    [Embedding(97, 16)] private partial Tensor Embed(Tensor x);
    [Linear(16, 97)] private partial Tensor Next(Tensor x);

    [Forward("B T -> B T 97")]
    public Tensor Forward(Tensor tokens) => Next(Embed(tokens));
}

[Trainer(Loss.CrossEntropy, Optimizer.AdamW)]
public partial class DigitTrainer : Trainer<DigitNet, DigitText, DigitConfig>;

/// <summary><c>predict --prompt</c> and <see cref="TextPredictor{TModel, TConfig}"/> for a text-dataset trainer: prompts cut as its text was, continued by a run folder's model.</summary>
public sealed class TextPredictionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sculpt-predict-text-").FullName;
    private readonly string _run;

    public TextPredictionTests()
    {
        _run = Path.Combine(_folder, "run");
        File.WriteAllText(Path.Combine(_folder, "digits.txt"), string.Concat(Enumerable.Repeat("0123456789\n", 400)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (int Code, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainerCommandLine.Run<DigitTrainer, DigitNet, DigitText, DigitConfig>("DigitTrainer", args, static (config, device) => new DigitTrainer(config, device), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private void Train()
    {
        var (code, _, error) = Cli("--data", _folder, "--output", _run, "--threads", "1");
        Assert.True(code == ExitCodes.Success, error);
    }

    [Fact]
    public void The_trained_model_continues_a_prompt_as_its_text_goes_on()
    {
        Train();
        manual_seed(3);
        float expected = rand(1).item<float>();
        manual_seed(3);
        using var predictor = DigitTrainer.LoadPredictor(_run);
        Assert.Equal(expected, rand(1).item<float>());
        Assert.Equal((8, 97, "chars-ascii-97"), (predictor.Context, predictor.Vocabulary, predictor.Tokenizer.Name));

        // Greedy: the digits go on past the newline, longer than the context of 8.
        var completion = predictor.Predict("345", tokens: 14);
        Assert.Equal("6789\n012345678", completion.Text);
        Assert.Equal(14, completion.Tokens.Length);
        Assert.Equal(TextTokenizer.Characters.Encode("6789\n012345678"), completion.Tokens);
        Assert.False(predictor.Model.training);

        // Sampled: the seed alone decides the draws.
        var sampling = new Sampling(Temperature: 1.5);
        var first = predictor.Predict("7", tokens: 40, sampling, seed: 11);
        var again = predictor.Predict("7", tokens: 40, sampling, seed: 11);
        Assert.Equal(first.Tokens, again.Tokens);
        Assert.Equal(40, first.Text.Length);
    }

    [Fact]
    public void Predict_prints_a_prompt_s_completion_in_a_fresh_process_and_writes_a_file_of_prompts_as_json_lines()
    {
        Train();
        var (code, output, error) = TrainerProcess.Run(_folder, "--digits", "predict", "--prompt", "12", "--tokens", "9", "--run", _run);
        Assert.True(code == ExitCodes.Success, error + output);
        Assert.Equal("123456789\n0\n", output.ReplaceLineEndings("\n"));

        string prompts = Path.Combine(_folder, "prompts.txt");
        File.WriteAllText(prompts, "8\n\n0123\n");
        string target = Path.Combine(_folder, "completions.jsonl");
        (code, output, error) = Cli("predict", "--input", prompts, "--output", target, "--tokens", "3", "--run", _run);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains($"continued 2 prompt(s) of {prompts}", output);
        var lines = File.ReadAllLines(target);
        Assert.Equal(2, lines.Length);
        using var one = JsonDocument.Parse(lines[0]);
        Assert.Equal((1, "8", "9\n0"), (one.RootElement.GetProperty("line").GetInt32(), one.RootElement.GetProperty("prompt").GetString(), one.RootElement.GetProperty("completion").GetString()));
        using var two = JsonDocument.Parse(lines[1]);
        Assert.Equal((3, "0123", "456"), (two.RootElement.GetProperty("line").GetInt32(), two.RootElement.GetProperty("prompt").GetString(), two.RootElement.GetProperty("completion").GetString()));
    }

    [Fact]
    public void Bad_prompts_and_flags_end_in_one_line_that_names_them_and_nothing_is_written()
    {
        Train();
        var (code, _, error) = Cli("predict", "--prompt", "12é4", "--run", _run);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: predict: option '--prompt': The prompt's character 'é' (U+00E9, position 3) is outside the tokenizer's vocabulary (chars-ascii-97).", error.TrimEnd());

        (code, _, error) = Cli("predict", "--prompt", "", "--run", _run);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: predict: option '--prompt': The prompt is empty; a language model continues at least one token of text.", error.TrimEnd());

        string prompts = Path.Combine(_folder, "prompts.txt");
        File.WriteAllText(prompts, "12\n3€\n");
        (code, _, error) = Cli("predict", "--input", prompts, "--run", _run);
        Assert.Equal(ExitCodes.Data, code);
        Assert.Equal($"error: {prompts}:2: The prompt's character '€' (U+20AC, position 2) is outside the tokenizer's vocabulary (chars-ascii-97).", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(_run, "completions.jsonl")));

        (code, _, error) = Cli("predict", "--prompt", "1", "--tokens", "0", "--run", _run);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: predict: option '--tokens' takes a whole number from 1 to 100000; got '0'.", error.TrimEnd());

        (code, _, error) = Cli("predict", "--prompt", "1", "--temperature", "hot", "--run", _run);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: predict: option '--temperature' takes a number of at least 0; got 'hot'.", error.TrimEnd());

        (code, _, error) = Cli("predict", "--prompt", "1", "--input", prompts);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: predict: give the text to continue with --prompt TEXT, or a file of prompts (one per line) with --input FILE.", error.TrimEnd());

        (code, _, error) = Cli("predict", "--prompt", "1", "--run", Path.Combine(_folder, "no-run"));
        Assert.Equal(ExitCodes.Data, code);
        Assert.Contains("is not a run folder: it has no config.json", error);
        Assert.DoesNotContain("   at ", error);

        (code, var help, _) = Cli("predict", "--help");
        Assert.Equal(ExitCodes.Success, code);
        Assert.StartsWith("usage: DigitTrainer predict --prompt TEXT | --input FILE", help);
        Assert.Contains("as DigitText's text was (chars-ascii-97)", help);
    }

    [Fact]
    public void A_model_declared_for_a_fixed_window_is_refused_when_loaded_with_what_to_declare_instead()
    {
        // StoryNet takes exactly 8 tokens ("B 8 -> B 8 97"); a prompt starts shorter.
        string run = Path.Combine(_folder, "fixed");
        Directory.CreateDirectory(run);
        var config = new FlowerConfig();
        File.WriteAllText(Path.Combine(run, "config.json"), config.ToJson());
        using (var model = StoryNet.Create(config)) WeightFiles.Save(model, Path.Combine(run, "model.dat"));
        var refused = Assert.Throws<InvalidDataException>(() => TextPredictor<StoryNet, FlowerConfig>.Load<Story>(run));
        Assert.StartsWith("StoryNet does not take a window of one token (", refused.Message);
        Assert.EndsWith("so declare the forward for any length (\"B T -> B T V\").", refused.Message);
    }
}
