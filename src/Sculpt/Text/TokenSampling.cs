using System;
using System.Collections.Generic;
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
        var scaled = logits.to(float32) / sampling.Temperature;
        if (sampling.TopK > 0 && sampling.TopK < logits.size(-1))
        {
            // Everything below the K-th best score can no longer be drawn.
            var threshold = scaled.topk(sampling.TopK).values[-1];
            scaled = scaled.masked_fill(scaled.lt(threshold), double.NegativeInfinity);
        }
        // Drawn on the CPU: a TorchSharp generator is a CPU generator, which libtorch refuses for a
        // CUDA op, and the same generator then draws the same token on every device.
        var probabilities = scaled.softmax(-1).cpu();
        return probabilities.multinomial(1, generator: generator).item<long>();
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
