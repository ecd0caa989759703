using System;
using static TorchSharp.torch;

namespace Sculpt.Text;

/// <summary>What a language model must beat to have learned more than token frequencies.</summary>
public static class LanguageModelBaselines
{
    /// <summary>
    /// The perplexity on <paramref name="evaluation"/> tokens of the unigram model fitted to
    /// <paramref name="train"/> tokens (add-one smoothing, so unseen tokens have a finite cost):
    /// <c>exp(-mean log p(token))</c>.
    /// </summary>
    public static double UnigramPerplexity(Tensor train, Tensor evaluation, long vocabulary)
    {
        if (evaluation.numel() == 0) throw new ArgumentException("No tokens to evaluate.", nameof(evaluation));
        using var scope = NewDisposeScope();
        var counts = train.flatten().bincount(null, vocabulary).to(float64) + 1;
        var logProbabilities = (counts / counts.sum()).log();
        double meanLogProbability = logProbabilities.index_select(0, evaluation.flatten()).mean().item<double>();
        return Math.Exp(-meanLogProbability);
    }
}
