using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Sculpt.Metrics;

/// <summary>Classification metrics over class scores <c>[N, C]</c> (or <c>[N, T, C]</c>) and class indices.</summary>
public static class Classification
{
    /// <summary>The share of rows whose highest score is the target class.</summary>
    public static double Accuracy(Tensor scores, Tensor targets) => TopKAccuracy(scores, targets, 1);

    /// <summary>The share of rows whose target is among the <paramref name="k"/> highest scores.</summary>
    public static double TopKAccuracy(Tensor scores, Tensor targets, int k)
    {
        if (k < 1 || k > scores.size(-1)) throw new ArgumentOutOfRangeException(nameof(k), $"must be in [1, {scores.size(-1)}]; got {k}");
        using var scope = NewDisposeScope();
        var flatScores = scores.reshape(-1, scores.size(-1));
        var flatTargets = targets.reshape(-1, 1);
        var hits = flatScores.topk(k).indexes.eq(flatTargets).any(1);
        return hits.to(float64).mean().item<double>();
    }

    /// <summary>Counts of (actual, predicted) pairs: row = actual class, column = predicted class.</summary>
    public static long[,] ConfusionMatrix(Tensor predicted, Tensor actual, int classes)
    {
        using var scope = NewDisposeScope();
        var pairs = (actual.flatten().to(int64) * classes + predicted.flatten().to(int64)).bincount(null, (long)classes * classes);
        var counts = pairs.data<long>().ToArray();
        var matrix = new long[classes, classes];
        for (int i = 0; i < classes; i++)
        {
            for (int j = 0; j < classes; j++) matrix[i, j] = counts[i * classes + j];
        }
        return matrix;
    }
}

/// <summary>Precision, recall and F1 of one class.</summary>
public sealed record ClassScores(int Class, double Precision, double Recall, double F1, long Support);

/// <summary>
/// Per-class precision, recall and F1 from a confusion matrix, and their unweighted (macro) means.
/// A class never predicted (or never present) scores 0 there, as scikit-learn's default does.
/// </summary>
public sealed record ClassificationReport(IReadOnlyList<ClassScores> Classes, double MacroPrecision, double MacroRecall, double MacroF1, double Accuracy)
{
    public static ClassificationReport From(long[,] confusion)
    {
        int classes = confusion.GetLength(0);
        var scores = new List<ClassScores>();
        long correct = 0, total = 0;
        for (int c = 0; c < classes; c++)
        {
            long truePositives = confusion[c, c];
            long predicted = Enumerable.Range(0, classes).Sum(r => confusion[r, c]);
            long actual = Enumerable.Range(0, classes).Sum(p => confusion[c, p]);
            double precision = predicted == 0 ? 0 : (double)truePositives / predicted;
            double recall = actual == 0 ? 0 : (double)truePositives / actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            scores.Add(new ClassScores(c, precision, recall, f1, actual));
            correct += truePositives;
            total += actual;
        }
        return new ClassificationReport(
            scores, scores.Average(s => s.Precision), scores.Average(s => s.Recall), scores.Average(s => s.F1), total == 0 ? 0 : (double)correct / total);
    }
}
