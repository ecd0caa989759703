using System;

namespace Sculpt.Data;

/// <summary>The one way a declared dataset is cut into train, validation and test parts.</summary>
public static class DataSplitting
{
    /// <summary>
    /// Holds out <paramref name="test"/> of the rows, then <paramref name="validation"/> of them
    /// (both shares of the whole), in an order fixed by <paramref name="seed"/>; with
    /// <paramref name="stratify"/> each class keeps its share in every part.
    /// </summary>
    public static DataSplits Split(TensorDataset all, double validation, double test, int seed, bool stratify)
    {
        if (validation is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validation), $"The validation share must be in (0, 1); got {validation}.");
        if (test is < 0 or >= 1 || validation + test >= 1) throw new ArgumentOutOfRangeException(nameof(test), $"The test share must be in [0, 1) and leave rows for training; got validation {validation} and test {test}.");
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
