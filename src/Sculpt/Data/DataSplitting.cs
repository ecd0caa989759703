using System;
using System.IO;

namespace Sculpt.Data;

/// <summary>The one way a declared dataset is cut into train, validation and test parts.</summary>
public static class DataSplitting
{
    /// <summary>
    /// Holds out <paramref name="test"/> of the rows, then <paramref name="validation"/> of them
    /// (both shares of the whole), in an order fixed by <paramref name="seed"/>; with
    /// <paramref name="stratify"/> each class keeps its share in every part.
    /// </summary>
    /// <exception cref="InvalidDataException">There are too few rows to give every part one; the message names <paramref name="source"/>.</exception>
    public static DataSplits Split(TensorDataset all, double validation, double test, int seed, bool stratify, string? source = null)
    {
        if (validation is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validation), $"The validation share must be in (0, 1); got {validation}.");
        if (test is < 0 or >= 1 || validation + test >= 1) throw new ArgumentOutOfRangeException(nameof(test), $"The test share must be in [0, 1) and leave rows for training; got validation {validation} and test {test}.");
        int parts = test > 0 ? 3 : 2;
        if (all.Count < parts)
        {
            throw new InvalidDataException($"{source ?? "the dataset"} has {all.Count} usable record{(all.Count == 1 ? "" : "s")}; training, validation{(test > 0 ? " and test" : "")} need at least one each. Add data.");
        }
        TensorDataset rest = all;
        TensorDataset? testPart = null;
        if (test > 0) (rest, testPart) = Cut(all, test, seed, stratify);
        var (train, validationPart) = Cut(rest, validation / (1 - test), seed + 1, stratify);
        if (!ReferenceEquals(rest, all)) rest.Dispose();
        return new DataSplits(train, validationPart, testPart);
    }

    private static (TensorDataset Kept, TensorDataset HeldOut) Cut(TensorDataset data, double share, int seed, bool stratify) =>
        stratify ? data.StratifiedSplit(share, seed) : data.Split(share, seed);
}
