using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Sculpt.Training;

/// <summary>The losses a generated trainer calls, with the shape handling they need.</summary>
public static class Losses
{
    /// <summary>
    /// Cross-entropy of class scores against class indices: <c>[B, C]</c> with <c>[B]</c>, or a
    /// sequence's <c>[B, T, C]</c> with <c>[B, T]</c> (a language model), averaged over every position.
    /// </summary>
    public static Tensor CrossEntropy(Tensor output, Tensor target, nn.Reduction reduction = nn.Reduction.Mean)
    {
        // Losses are float32 under mixed precision, as their reductions need.
        output = MixedPrecision.LowPrecision.Widened(output);
        return output.dim() > 2
            ? nn.functional.cross_entropy(output.flatten(0, -2), target.flatten(), reduction: reduction)
            : nn.functional.cross_entropy(output, target, reduction: reduction);
    }

    /// <summary>Mean squared error of an output and targets of one shape (see <see cref="LossShapes.RequireSame"/>).</summary>
    public static Tensor MeanSquaredError(Tensor output, Tensor target, nn.Reduction reduction = nn.Reduction.Mean)
    {
        LossShapes.RequireSame(output, target);
        // Losses are float32 under mixed precision, as their reductions need.
        return nn.functional.mse_loss(MixedPrecision.LowPrecision.Widened(output), target, reduction);
    }
}
