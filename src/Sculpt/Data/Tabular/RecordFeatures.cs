using System;
using System.Numerics;

namespace Sculpt.Data.Tabular;

/// <summary>
/// Writes one record instance's features into a feature vector exactly as <see cref="TableBuilder"/> writes a
/// file's row: numbers and bools as they are, categories one-hot, and missing values (NaN, a null or empty
/// category) under the dataset's <see cref="TableOptions"/>: the fill value, NaN for <c>FillMean</c> (the
/// predictor fills it with the training mean), or an error naming the property. The generated
/// <c>WriteFeatures</c> of a <c>[CsvDataset]</c> record makes one call per property.
/// </summary>
public readonly ref struct RecordFeatures(Span<float> features, TableOptions options, string record)
{
    private readonly Span<float> _features = features;

    public void Number<T>(int slot, string property, T value) where T : INumberBase<T> =>
        _features[slot] = T.IsNaN(value) ? Missing(property) : float.CreateSaturating(value);

    public void Boolean(int slot, bool value) => _features[slot] = value ? 1f : 0f;

    public void Category(int slot, string property, string? value, CategoryMap categories)
    {
        var slots = _features.Slice(slot, categories.Count);
        slots.Clear();
        if (string.IsNullOrEmpty(value))
        {
            // As in a file: a missing category leaves every slot 0 under Fill and FillMean.
            if (options.Missing is MissingValues.Fill or MissingValues.FillMean) return;
            throw new ArgumentException($"{record}.{property} has no value, and the dataset does not declare missing values filled.");
        }
        int index = categories.IndexOf(value);
        if (index < 0) throw new ArgumentException($"{record}.{property} is '{value}', which is not one of its declared categories ({string.Join(", ", categories.Names)}).");
        slots[index] = 1f;
    }

    public void Numbers<T>(int slot, string property, T[]? values, int count) where T : INumberBase<T>
    {
        for (int i = 0; i < count; i++) Number(slot + i, $"{property}[{i}]", Entries(property, values, count)[i]);
    }

    public void Booleans(int slot, string property, bool[]? values, int count)
    {
        for (int i = 0; i < count; i++) Boolean(slot + i, Entries(property, values, count)[i]);
    }

    private T[] Entries<T>(string property, T[]? values, int count) =>
        values?.Length == count ? values : throw new ArgumentException($"{record}.{property} has {values?.Length.ToString() ?? "no"} entries; the dataset declares {count}.");

    private float Missing(string property) => options.Missing switch
    {
        MissingValues.Fill => (float)options.Fill,
        MissingValues.FillMean => float.NaN,
        _ => throw new ArgumentException($"{record}.{property} has no value (NaN), and the dataset does not declare missing values filled."),
    };
}
