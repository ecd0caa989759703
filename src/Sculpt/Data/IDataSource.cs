using System.Collections.Generic;

namespace Sculpt.Data;

/// <summary>
/// Supplies a trainer's data. A trainer creates its data source with <c>new()</c> and calls
/// <see cref="Load"/> once. A <c>[CsvDataset]</c>, <c>[IdxDataset]</c>, <c>[ImageFolderDataset]</c>
/// or <c>[TextDataset]</c> declaration gets a generated implementation.
/// </summary>
public interface IDataSource
{
    /// <summary>The training and validation splits; <paramref name="seed"/> fixes any randomness.</summary>
    DataSplits Load(int seed);
}

/// <summary>
/// A data source that reads files: the command line's <c>--data FOLDER</c> sets
/// <see cref="DataFolder"/>, and its declared paths are then looked up there (see
/// <see cref="DatasetLoader.Resolve"/>). Generated datasets implement it.
/// </summary>
public interface IFileDataSource : IDataSource
{
    string? DataFolder { get; set; }
}

/// <summary>The parts of a dataset a trainer uses. <c>Fit</c> never sees <see cref="Test"/>.</summary>
public sealed record DataSplits(TensorDataset Train, TensorDataset Validation, TensorDataset? Test = null)
{
    /// <summary>The statistics the inputs were standardised with, measured on <see cref="Train"/>; saved beside the weights.</summary>
    public FeatureNormalization? Normalization { get; init; }

    /// <summary>Random changes applied to training batches only.</summary>
    public IAugmentation? Augmentation { get; init; }

    /// <summary>Records the loader left out under a skip policy, for the training report.</summary>
    public IReadOnlyList<SkippedRecords> Skipped { get; init; } = [];

    /// <summary>What training does with an epoch's last, smaller batch.</summary>
    public LastBatch LastBatch { get; init; } = LastBatch.Partial;

    /// <summary>Class names in label order, when the source names its classes.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The file or folder the data came from, for messages; null for data made in code.</summary>
    public string? Source { get; init; }
}
