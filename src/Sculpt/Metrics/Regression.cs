using static TorchSharp.torch;

namespace Sculpt.Metrics;

/// <summary>Regression metrics over predictions and targets of one shape.</summary>
public static class Regression
{
    public static double MeanSquaredError(Tensor predicted, Tensor actual)
    {
        using var scope = NewDisposeScope();
        return (predicted.to(float64) - actual.to(float64)).square().mean().item<double>();
    }

    public static double MeanAbsoluteError(Tensor predicted, Tensor actual)
    {
        using var scope = NewDisposeScope();
        return (predicted.to(float64) - actual.to(float64)).abs().mean().item<double>();
    }

    /// <summary>The coefficient of determination, <c>1 - SS_res / SS_tot</c> (1 is perfect; 0 is predicting the mean).</summary>
    public static double RSquared(Tensor predicted, Tensor actual)
    {
        using var scope = NewDisposeScope();
        var truth = actual.to(float64);
        double residual = (truth - predicted.to(float64)).square().sum().item<double>();
        double total = (truth - truth.mean()).square().sum().item<double>();
        return total == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / total;
    }
}

/// <summary>Language-model metrics.</summary>
public static class LanguageModeling
{
    /// <summary>The perplexity of a mean cross-entropy in nats per token: <c>exp(loss)</c>.</summary>
    public static double Perplexity(double meanCrossEntropy) => System.Math.Exp(meanCrossEntropy);
}
