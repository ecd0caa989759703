using System;
using System.Collections.Generic;
using TorchSharp;

namespace Sculpt.Data.Tabular;

/// <summary>The rows of a <c>[CsvDataset]</c> file: a feature matrix and class labels or regression targets.</summary>
public sealed record TabularData(
    string Path,
    IReadOnlyList<string> FeatureNames,
    float[] Features,
    int Rows,
    long[]? ClassLabels,
    IReadOnlyList<string>? ClassNames,
    int Classes,
    float[]? Targets,
    int TargetCount,
    SkippedRecords Skipped)
{
    /// <summary>
    /// Train, validation and test splits (see <see cref="DataSplitting.Split"/>); missing values
    /// declared <c>FillMean</c> (NaN here) take the training split's column means, and features are
    /// standardised with training statistics when <paramref name="normalize"/> is set.
    /// </summary>
    public DataSplits Split(double validation, double test, int seed, bool stratify, bool normalize)
    {
        var features = torch.tensor(Features, [Rows, FeatureNames.Count]);
        var targets = ClassLabels is { } labels ? torch.tensor(labels) : torch.tensor(Targets!, [Rows, TargetCount]);
        using var all = new TensorDataset(features, targets);
        var splits = DataSplitting.Split(all, validation, test, seed, stratify && ClassLabels is not null);
        var parts = splits.Test is { } held ? new[] { splits.Train, splits.Validation, held } : new[] { splits.Train, splits.Validation };
        if (torch.isnan(splits.Train.Features).any().item<bool>())
        {
            using var trainMissing = torch.isnan(splits.Train.Features);
            using var observed = trainMissing.logical_not().to(torch.float32).sum([0L]).clamp_min_(1);
            using var sums = splits.Train.Features.masked_fill(trainMissing, 0f).sum([0L]);
            using var means = sums.div_(observed);
            foreach (var part in parts)
            {
                using var missing = torch.isnan(part.Features);
                using var filled = torch.where(missing, means.expand_as(part.Features), part.Features);
                part.Features.copy_(filled);
            }
        }
        FeatureNormalization? normalization = null;
        if (normalize)
        {
            normalization = FeatureNormalization.Measure(splits.Train.Features, [.. FeatureNames]);
            foreach (var part in parts) normalization.ApplyInPlace(part.Features);
        }
        return splits with { Normalization = normalization, Skipped = Skipped.Count > 0 ? [Skipped] : [], ClassNames = ClassNames };
    }
}
