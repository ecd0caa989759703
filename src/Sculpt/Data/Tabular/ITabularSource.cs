using System.Collections.Generic;

namespace Sculpt.Data.Tabular;

/// <summary>
/// A <c>[CsvDataset]</c> record's reader, for code that knows the record only as a type parameter (the generated
/// command line's <c>predict</c>, <see cref="Prediction.TabularPredictor{TModel, TDataset, TConfig}"/>). The generator implements it.
/// </summary>
public interface ITabularSource
{
    /// <summary>Reads a file of the declared layout; <paramref name="labelled"/> false reads features only (new data).</summary>
    static abstract TabularData ReadCsv(string path, int? workers = null, bool labelled = true);

    /// <summary>What each entry of a feature vector is, in order.</summary>
    static abstract IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The label or target properties, in order: one class label, or the regression targets.</summary>
    static abstract IReadOnlyList<string> TargetNames { get; }

    /// <summary>Whether the targets are numbers to regress rather than a class label.</summary>
    static abstract bool Regression { get; }

    /// <summary>One sample's dims when the features are one shaped vector (<c>[1, 28, 28]</c>); null for a flat feature vector.</summary>
    static abstract long[]? FeatureShape { get; }
}

/// <summary>A <c>[CsvDataset]</c> record that also turns its own instances into feature vectors, for prediction on records built in code.</summary>
public interface ITabularSource<TSelf> : ITabularSource where TSelf : ITabularSource<TSelf>
{
    /// <summary>Writes <paramref name="record"/>'s features into <paramref name="features"/> (<c>FeatureNames.Count</c> long), as its row in a file would be read.</summary>
    /// <exception cref="System.ArgumentException">A value is missing where the dataset does not fill it, a category is not declared, or a vector has another length.</exception>
    static abstract void WriteFeatures(TSelf record, System.Span<float> features);
}
