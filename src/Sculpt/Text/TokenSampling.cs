using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Text;

/// <summary>
/// How the next token is picked from a language model's logits. A temperature of 0 is greedy
/// (always the most likely token); otherwise the logits are divided by the temperature and, when
/// <see cref="TopK"/> is positive, only the K most likely tokens can be drawn.
/// </summary>
public sealed record Sampling(double Temperature = 1.0, int TopK = 0)
{
    public static Sampling Greedy { get; } = new(0);

    public bool IsGreedy => Temperature == 0;
}

/// <summary>Generates token sequences from a causal language model <c>[B, T] -&gt; [B, T, V]</c>.</summary>
public static class TokenSampling
{
    /// <summary>The token after <paramref name="logits"/> (<c>[V]</c>, the last position's scores).</summary>
    public static long Next(Tensor logits, Sampling sampling, Generator? generator = null)
    {
        if (sampling.Temperature < 0 || double.IsNaN(sampling.Temperature)) throw new ArgumentOutOfRangeException(nameof(sampling), $"temperature must be 0 (greedy) or positive; got {sampling.Temperature}");
        using var scope = NewDisposeScope();
        if (sampling.IsGreedy) return logits.argmax().item<long>();
        // Drawn on the CPU: a TorchSharp generator is a CPU generator, which libtorch refuses for a
        // CUDA op, and the same generator then draws the same token on every device.
        var probabilities = Drawable(logits, sampling).softmax(-1).cpu();
        return probabilities.multinomial(1, generator: generator).item<long>();
    }

    /// <summary>The scores <paramref name="logits"/> (<c>[..., V]</c>) as sampling draws from them: divided by the temperature, and below the K-th best no longer drawable.</summary>
    private static Tensor Drawable(Tensor logits, Sampling sampling)
    {
        var scaled = logits.to(float32) / sampling.Temperature;
        if (sampling.TopK <= 0 || sampling.TopK >= logits.size(-1)) return scaled;
        var threshold = scaled.topk(sampling.TopK).values.narrow(-1, sampling.TopK - 1, 1);
        return scaled.masked_fill(scaled.lt(threshold), double.NegativeInfinity);
    }

    /// <summary>
    /// <paramref name="count"/> tokens after each of <paramref name="prompts"/> (all of one length), sampled as a batch:
    /// one forward pass per token for all of them. The model sees at most the last <paramref name="context"/> tokens
    /// and runs in eval mode without gradients; draws come from <paramref name="generator"/> in row order.
    /// </summary>
    public static long[][] Continue(nn.Module<Tensor, Tensor> model, IReadOnlyList<long[]> prompts, int count, int context, Sampling sampling, Generator? generator = null, Device? device = null)
    {
        if (prompts.Count == 0) return [];
        int length = prompts[0].Length;
        if (length == 0 || prompts.Any(p => p.Length != length)) throw new ArgumentException("The prompts of a batch need one length of at least one token.", nameof(prompts));
        if (sampling.Temperature < 0 || double.IsNaN(sampling.Temperature)) throw new ArgumentOutOfRangeException(nameof(sampling), $"temperature must be 0 (greedy) or positive; got {sampling.Temperature}");
        bool wasTraining = model.training;
        model.eval();
        using var noGrad = no_grad();
        try
        {
            var tokens = tensor(prompts.SelectMany(p => p).ToArray(), device: device).view(prompts.Count, length).DetachFromDisposeScope();
            for (int i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                long start = Math.Max(0, tokens.size(1) - context);
                var last = model.call(tokens.narrow(1, start, tokens.size(1) - start))[.., -1];
                // On the CPU, as Next draws: a TorchSharp generator is a CPU one.
                var next = sampling.IsGreedy
                    ? last.argmax(-1, keepdim: true)
                    : Drawable(last, sampling).softmax(-1).cpu().multinomial(1, generator: generator).to(tokens.device);
                var longer = cat([tokens, next], 1).DetachFromDisposeScope();
                tokens.Dispose();
                tokens = longer;
            }
            using (tokens)
            {
                var completions = tokens.narrow(1, length, count).cpu();
                return Enumerable.Range(0, prompts.Count).Select(row => completions[row].data<long>().ToArray()).ToArray();
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    /// <summary>
    /// <paramref name="prompt"/> followed by <paramref name="count"/> generated tokens. The model sees
    /// at most the last <paramref name="context"/> tokens; it runs in eval mode without gradients.
    /// </summary>
    public static long[] Generate(nn.Module<Tensor, Tensor> model, IReadOnlyList<long> prompt, int count, int context, Sampling sampling, Generator? generator = null, Device? device = null)
    {
        if (prompt.Count == 0) throw new ArgumentException("The prompt needs at least one token.", nameof(prompt));
        bool wasTraining = model.training;
        model.eval();
        using var noGrad = no_grad();
        var tokens = new List<long>(prompt);
        try
        {
            for (int i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                int start = Math.Max(0, tokens.Count - context);
                var window = tensor(tokens.GetRange(start, tokens.Count - start).ToArray(), device: device).unsqueeze(0);
                var logits = model.call(window);
                tokens.Add(Next(logits[0, -1], sampling, generator));
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return tokens.ToArray();
    }
}
