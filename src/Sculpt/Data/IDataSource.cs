namespace Sculpt.Data;

/// <summary>
/// Supplies a trainer's data. A trainer creates its data source with <c>new()</c> and calls
/// <see cref="Load"/> once.
/// </summary>
public interface IDataSource
{
    /// <summary>The training and validation splits; <paramref name="seed"/> fixes any randomness.</summary>
    DataSplits Load(int seed);
}

/// <summary>The parts of a dataset a trainer uses. <c>Fit</c> never sees <see cref="Test"/>.</summary>
public sealed record DataSplits(TensorDataset Train, TensorDataset Validation, TensorDataset? Test = null);
