namespace Sculpt.Benchmarks;

// Also compiled into the device checks (tests/Sculpt.DeviceChecks), whose GPT-2 benchmark reports utilisation.

/// <summary>Forward operations of the models' building blocks, per sample.</summary>
public static class ExampleFlops
{
    /// <summary>
    /// A GPT of pre-norm blocks: per token and block the fused query/key/value and output projections, the two MLP
    /// products and the attention products (scores and the weighted sum over all <paramref name="tokens"/>, as the
    /// kernel computes them under a causal mask too), then the head.
    /// </summary>
    public static double Gpt(int tokens, int dim, int layers, int mlp, int vocabulary)
    {
        double perToken = layers * 2.0 * (dim * 3 * dim + dim * dim + 2 * dim * mlp + 2 * tokens * dim) + 2.0 * dim * vocabulary;
        return tokens * perToken;
    }
}
