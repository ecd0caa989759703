using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Sculpt.Data.Tabular;

/// <summary>
/// The rows of a <c>[CsvDataset]</c> file: a feature matrix and class labels or regression targets.
/// The arrays may be longer than the rows (the loader's spare capacity): row r's features are
/// <c>Features[r * F .. (r + 1) * F]</c>, and only the first <see cref="Rows"/> rows count.
/// </summary>
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
    /// One sample's dims when the features are one vector with a declared <c>Shape</c>: the
    /// feature tensors are then <c>[N, ..SampleShape]</c> instead of <c>[N, F]</c>.
    /// </summary>
    public long[]? SampleShape { get; init; }

    /// <summary>
    /// Train, validation and test splits (see <see cref="DataSplitting.Split"/>); missing values
    /// declared <c>FillMean</c> (NaN here) take the training split's column means, and features are
    /// standardised with training statistics when <paramref name="normalize"/> is set: each feature
    /// on its own, or, for samples shaped <c>C H W</c> (a <see cref="SampleShape"/> of three or
    /// more dims), each channel over all its positions, as images are.
    /// </summary>
    /// <param name="validation">The share of rows held out for validation.</param>
    /// <param name="test">The share held out for test (0 with <paramref name="testFile"/>).</param>
    /// <param name="seed">Fixes which rows go where.</param>
    /// <param name="stratify">Whether each class keeps its share in every part.</param>
    /// <param name="normalize">Whether features are standardised with the training split's statistics.</param>
    /// <param name="testFile">A separate file's rows as the test split, labelled with this file's class names.</param>
    public DataSplits Split(double validation, double test, int seed, bool stratify, bool normalize, TabularData? testFile = null)
    {
        using var all = ToDataset();
        var splits = DataSplitting.Split(all, validation, testFile is null ? test : 0, seed, stratify && ClassLabels is not null, Path);
        if (testFile is not null) splits = splits with { Test = testFile.LabelledLike(this).ToDataset() };
        var parts = splits.Test is { } held ? new[] { splits.Train, splits.Validation, held } : new[] { splits.Train, splits.Validation };
        using var trainMissing = torch.isnan(splits.Train.Features);
        if (trainMissing.any().item<bool>())
        {
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
            normalization = Measure(splits.Train.Features);
            foreach (var part in parts) normalization.ApplyInPlace(part.Features);
        }
        var skipped = new[] { Skipped, testFile?.Skipped }.OfType<SkippedRecords>().Where(s => s.Count > 0).ToArray();
        return splits with { Normalization = normalization, Skipped = skipped, ClassNames = ClassNames, Source = Path };
    }

    /// <summary>The standardisation statistics of the training features: per channel of image-shaped samples, otherwise per feature.</summary>
    private FeatureNormalization Measure(torch.Tensor train)
    {
        if (SampleShape is { Length: >= 3 } image)
        {
            return FeatureNormalization.Measure(train, Enumerable.Range(0, (int)image[0]).Select(c => $"channel {c}").ToArray());
        }
        if (SampleShape is not { Length: 2 } shape) return FeatureNormalization.Measure(train, [.. FeatureNames]);
        // [N, H, W]: one feature per entry, measured flat and applied in the samples' shape.
        using var flat = train.reshape(train.size(0), -1);
        return FeatureNormalization.Measure(flat, [.. FeatureNames]) with { Shape = shape };
    }

    // torch.tensor copies the rows it is given, so the arrays' spare capacity never reaches a tensor.
    private TensorDataset ToDataset() => new(
        torch.tensor(Features.AsMemory(0, Rows * FeatureNames.Count), SampleShape is { } shape ? [Rows, .. shape] : [Rows, FeatureNames.Count]),
        ClassLabels is { } labels ? torch.tensor(labels.AsMemory(0, Rows), [Rows]) : torch.tensor(Targets!.AsMemory(0, Rows * TargetCount), [Rows, TargetCount]));

    /// <summary>These rows with class indices by <paramref name="training"/>'s class names; a class it does not have is refused.</summary>
    private TabularData LabelledLike(TabularData training)
    {
        if (ClassLabels is null || ClassNames is null || training.ClassNames is null) return this;
        var index = ClassNames.Select(name => training.ClassNames.ToList().IndexOf(name)).ToArray();
        if (Array.IndexOf(index, -1) is int missing and >= 0)
        {
            throw new System.IO.InvalidDataException($"{Path}: the test file has class '{ClassNames[missing]}', which {training.Path} does not have ({string.Join(", ", training.ClassNames)}).");
        }
        return this with { ClassLabels = ClassLabels.Take(Rows).Select(label => (long)index[label]).ToArray(), ClassNames = training.ClassNames, Classes = training.Classes };
    }
}
