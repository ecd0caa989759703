using System;
using System.Linq;
using Sculpt.Text;
using Xunit;
using static TorchSharp.torch;

namespace Sculpt.Tests;

public class TextTests
{
    [Fact]
    public void The_ascii_vocabulary_round_trips_printable_text_and_marks_the_rest_unknown()
    {
        var vocabulary = CharVocabulary.Ascii;
        Assert.Equal(97, vocabulary.Count);
        const string text = "Hello, world!\n  ~{}";
        Assert.Equal(text, vocabulary.Decode(vocabulary.Encode(text)));
        Assert.Equal(new long[] { 0, 1, 96 }, vocabulary.Encode("\n é"));
        Assert.Equal("a b?", vocabulary.Decode(vocabulary.Encode("a\tbé")));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode([97]));
    }

    [Fact]
    public void Greedy_and_top_1_take_the_best_token_and_top_k_draws_only_among_the_k_best()
    {
        using var logits = tensor(new float[] { 0.1f, 2.0f, 1.9f, -1f, 0.5f });
        Assert.Equal(1, TokenSampling.Next(logits, Sampling.Greedy));
        using var generator = new Generator(5);
        Assert.Equal(1, TokenSampling.Next(logits, new Sampling(1.0, TopK: 1), generator));
        var drawn = Enumerable.Range(0, 300).Select(_ => TokenSampling.Next(logits, new Sampling(1.0, TopK: 2), generator)).ToHashSet();
        Assert.Equal(new long[] { 1, 2 }, drawn.Order());
        // A high temperature flattens the distribution: every token turns up.
        var hot = Enumerable.Range(0, 400).Select(_ => TokenSampling.Next(logits, new Sampling(50.0), generator)).ToHashSet();
        Assert.Equal(5, hot.Count);
    }

    [Fact]
    public void Sampling_with_the_same_seed_draws_the_same_tokens()
    {
        using var logits = tensor(new float[] { 0.3f, 0.2f, 0.1f, 0f });
        long[] Draw()
        {
            using var generator = new Generator(11);
            return Enumerable.Range(0, 50).Select(_ => TokenSampling.Next(logits, new Sampling(0.8), generator)).ToArray();
        }
        Assert.Equal(Draw(), Draw());
    }

    [Fact]
    public void Generate_extends_the_prompt_within_the_context()
    {
        // Token t always predicts t + 1 (mod 5), so greedy generation counts up.
        using var model = new CountingModel(5);
        var tokens = TokenSampling.Generate(model, [3L], count: 6, context: 2, Sampling.Greedy);
        Assert.Equal(new long[] { 3, 4, 0, 1, 2, 3, 4 }, tokens);
        Assert.Equal(2, model.LongestInput);
    }

    [Fact]
    public void The_unigram_baseline_of_uniform_tokens_is_the_vocabulary_size()
    {
        using var train = arange(400, dtype: int64) % 4;
        using var evaluation = arange(100, dtype: int64) % 4;
        Assert.Equal(4.0, LanguageModelBaselines.UnigramPerplexity(train, evaluation, 4), 9);
        // Skewed frequencies: -mean log p with add-one smoothing, computed by hand.
        using var skewed = tensor(new long[] { 0, 0, 0, 1 });
        using var seen = tensor(new long[] { 0, 1 });
        double expected = Math.Exp(-(Math.Log(4 / 6.0) + Math.Log(2 / 6.0)) / 2);
        Assert.Equal(expected, LanguageModelBaselines.UnigramPerplexity(skewed, seen, 2), 9);
    }

    private sealed class CountingModel(int vocabulary) : nn.Module<Tensor, Tensor>("Counting")
    {
        public long LongestInput { get; private set; }

        public override Tensor forward(Tensor tokens)
        {
            LongestInput = Math.Max(LongestInput, tokens.size(1));
            return nn.functional.one_hot((tokens + 1) % vocabulary, vocabulary).to(float32) * 10;
        }
    }
}
