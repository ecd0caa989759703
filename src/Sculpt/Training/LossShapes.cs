using System;
using TorchSharp;

namespace Sculpt.Training;

/// <summary>Checks a generated step makes before a loss that would otherwise broadcast silently.</summary>
public static class LossShapes
{
    /// <summary>
    /// Mean squared error of <c>[B, 1]</c> against <c>[B]</c> broadcasts to <c>[B, B]</c> and trains on
    /// the wrong loss without a word; this refuses it. Only <c>size(i)</c> calls: no device sync.
    /// </summary>
    public static void RequireSame(torch.Tensor output, torch.Tensor target)
    {
        long rank = output.dim();
        bool same = rank == target.dim();
        for (int i = 0; same && i < rank; i++) same = output.size(i) == target.size(i);
        if (!same)
        {
            throw new ArgumentException(
                $"Loss.MeanSquaredError needs the model's output and the targets in one shape, but the output is [{string.Join(", ", output.shape)}] and the targets are [{string.Join(", ", target.shape)}]. Reshape the targets in the data source, or change the model's output.");
        }
    }
}
