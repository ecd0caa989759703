using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sculpt.HyperParameters;
using Sculpt.Models;
using Sculpt.Text;
using Sculpt.Training;
using TorchSharp;

namespace Sculpt.Prediction;

/// <summary>What a language model wrote after a prompt.</summary>
/// <param name="Prompt">The prompt, as given.</param>
/// <param name="Text">The generated continuation alone, decoded.</param>
/// <param name="Tokens">The generated token ids, in order.</param>
public sealed record Completion(string Prompt, string Text, long[] Tokens);

/// <summary>
/// A trained causal language model (<c>[B, T]</c> token ids to <c>[B, T, V]</c> scores) ready to continue prompts,
/// loaded from its run folder alone: <c>config.json</c> builds the model and the weights come from <c>model.dat</c>
/// (or <c>merged.safetensors</c> after LoRA). Prompts are tokenized with the dataset's tokenizer, and the model sees
/// at most the dataset's context of tokens at once. Greedy unless a sampling says otherwise; a sampled completion
/// depends only on its seed. Runs in eval mode, without gradients. A trainer of a text dataset has it as
/// <c>LoadPredictor</c>.
/// </summary>
public sealed class TextPredictor<TModel, TConfig> : IDisposable
    where TModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ISculptModel<TModel, TConfig>
    where TConfig : TrainingHyperParameters, IHyperParameters<TConfig>
{
    private TextPredictor(TModel model, TConfig config, TextTokenizer tokenizer, int context, int vocabulary)
    {
        Model = model;
        Config = config;
        Tokenizer = tokenizer;
        Context = context;
        Vocabulary = vocabulary;
    }

    /// <summary>The model, in eval mode.</summary>
    public TModel Model { get; }

    /// <summary>The hyperparameters it was trained with.</summary>
    public TConfig Config { get; }

    /// <summary>The tokenizer prompts are cut with: the dataset's.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>The most tokens the model is shown at once: the dataset's window.</summary>
    public int Context { get; }

    /// <summary>Tokens the model scores.</summary>
    public int Vocabulary { get; }

    /// <summary>Loads the model a training run left in <paramref name="runFolder"/>, for prompts cut and windowed as <typeparamref name="TData"/>'s text is.</summary>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="InvalidDataException">A file of the folder cannot be read, or the model scores fewer tokens than the tokenizer makes.</exception>
    public static TextPredictor<TModel, TConfig> Load<TData>(string runFolder) where TData : ITextSource, new()
    {
        var source = new TData();
        return Load(runFolder, source.Tokenizer, source.Context);
    }

    /// <summary>
    /// Loads the model a training run left in <paramref name="runFolder"/>, for prompts cut by <paramref name="tokenizer"/>
    /// and windows of at most <paramref name="context"/> tokens (the dataset's <see cref="ITextSource"/> settings).
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="InvalidDataException">A file of the folder cannot be read, or the model scores fewer tokens than the tokenizer makes.</exception>
    public static TextPredictor<TModel, TConfig> Load(string runFolder, TextTokenizer tokenizer, int context)
    {
        if (context < 1) throw new ArgumentOutOfRangeException(nameof(context), $"A context holds at least one token; got {context}.");
        var (model, config) = TrainedModel.Load<TModel, TConfig>(runFolder);
        try
        {
            int vocabulary;
            using (torch.no_grad())
            using (var probe = Probe(model))
            {
                if (probe.dim() != 3) throw new InvalidDataException($"{typeof(TModel).Name} gives [{string.Join(", ", probe.shape)}] for one token, not the [B, T, V] scores of a causal language model, so it cannot continue a prompt.");
                vocabulary = (int)probe.size(-1);
            }
            if (vocabulary < tokenizer.VocabularySize)
            {
                throw new InvalidDataException(
                    $"The model of {runFolder} scores {vocabulary} tokens, but the dataset's tokenizer ({tokenizer.Name}) makes {tokenizer.VocabularySize}; the run folder is of another dataset or tokenizer.");
            }
            return new TextPredictor<TModel, TConfig>(model, config, tokenizer, context, vocabulary);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model on one token: a prompt's first window can be that short.</summary>
    private static torch.Tensor Probe(TModel model)
    {
        try
        {
            return model.forward(torch.zeros(1, 1, torch.int64));
        }
        catch (ShapeMismatchException problem)
        {
            throw new InvalidDataException(
                $"{typeof(TModel).Name} does not take a window of one token ({problem.Message}); a prompt is continued from windows of 1 to the context's length, so declare the forward for any length (\"B T -> B T V\").", problem);
        }
    }

    /// <summary>
    /// <paramref name="tokens"/> tokens after <paramref name="prompt"/>, picked as <paramref name="sampling"/> says
    /// (greedy when null), draws from a generator seeded with <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The prompt is empty, or has a character the tokenizer does not know (named with its position).</exception>
    public Completion Predict(string prompt, int tokens = 100, Sampling? sampling = null, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        var ids = Encode(prompt);
        using var generator = new torch.Generator(unchecked((ulong)seed));
        var device = Model.parameters().FirstOrDefault()?.device ?? torch.CPU;
        var all = TokenSampling.Generate(Model, ids, tokens, Context, sampling ?? Sampling.Greedy, generator, device);
        var generated = all[ids.Length..];
        return new Completion(prompt, Tokenizer.Decode(generated), generated);
    }

    /// <summary>Each of <paramref name="prompts"/> continued as <see cref="Predict(string, int, Sampling?, long)"/> does, each with the same seed.</summary>
    public IReadOnlyList<Completion> Predict(IEnumerable<string> prompts, int tokens = 100, Sampling? sampling = null, long seed = 0) =>
        prompts.Select(prompt => Predict(prompt, tokens, sampling, seed)).ToList();

    private long[] Encode(string prompt)
    {
        if (string.IsNullOrEmpty(prompt)) throw new ArgumentException("The prompt is empty; a language model continues at least one token of text.", nameof(prompt));
        for (int i = 0; i < prompt.Length; i++)
        {
            // A character outside the vocabulary would reach the model as the unknown token: a prompt it was never shown.
            if (Tokenizer.CountUnknown(prompt[i].ToString()) > 0)
                throw new ArgumentException($"The prompt's character '{prompt[i]}' (U+{(int)prompt[i]:X4}, position {i + 1}) is outside the tokenizer's vocabulary ({Tokenizer.Name}).", nameof(prompt));
        }
        var ids = Tokenizer.Encode(prompt);
        if (ids.Length == 0) throw new ArgumentException("The prompt makes no tokens.", nameof(prompt));
        return ids;
    }

    public void Dispose() => Model.Dispose();
}
