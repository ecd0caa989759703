namespace Sculpt.Generators.Model;

internal enum DatasetKind
{
    Csv,
    Idx,
    ImageFolder,
    Text,
}

/// <summary>How a dataset's targets read; the first four match the runtime's <c>LabelKind</c>.</summary>
internal enum DatasetLabel
{
    ClassName = 0,
    ClassIndex = 1,
    Boolean = 2,
    Regression = 3,

    /// <summary>The next token of a text window: class indices <c>[T]</c> over the vocabulary.</summary>
    NextToken = 4,
}

/// <summary>How a property of a <c>[CsvDataset]</c> record finds its column or columns.</summary>
internal enum ColumnSelection
{
    /// <summary>One column: by header name (<see cref="DatasetColumn.Column"/>) or position (<see cref="DatasetColumn.Index"/>).</summary>
    One,

    /// <summary>A vector over a numbered range of header names; <see cref="DatasetColumn.Column"/> is the range, <c>pixel1..pixel784</c>.</summary>
    Range,

    /// <summary>A vector over the header names matching a pattern; <see cref="DatasetColumn.Column"/> is the pattern, <c>pixel*</c>.</summary>
    Pattern,

    /// <summary>A vector over <see cref="DatasetColumn.Count"/> columns by position from <see cref="DatasetColumn.Index"/>.</summary>
    Positions,
}

/// <summary>
/// A property of a <c>[CsvDataset]</c> record bound to a file column; a categorical one (a string
/// with declared <see cref="Categories"/>) fills one feature slot per category, a vector one (an
/// array property) one slot per column of its <see cref="Selection"/>.
/// </summary>
internal sealed record DatasetColumn(string Property, string Column, int Index, bool IsBoolean)
{
    public EquatableArray<string> Categories { get; init; } = EquatableArray<string>.Empty;

    public ColumnSelection Selection { get; init; }

    /// <summary>A vector's column count.</summary>
    public int Count { get; init; }

    /// <summary>A vector's declared dims (its <c>Shape</c>), empty when it has none.</summary>
    public EquatableArray<long> Shape { get; init; } = EquatableArray<long>.Empty;

    public bool IsVector => Selection != ColumnSelection.One;

    /// <summary>How many feature slots the column fills.</summary>
    public int Width => IsVector ? Count : Categories.Count > 0 ? Categories.Count : 1;
}

internal sealed record ImageAugmentationSpec(int CropPadding, bool FlipHorizontal, bool FlipVertical, double Rotation, double Translate);

internal sealed record TokenAugmentationSpec(double MaskProbability, int SpanLength, long MaskToken);

/// <summary>
/// A dataset declaration: its source, split and policies, and what the model contract needs —
/// one sample's shape, the label kind and the class count (0 when not known at compile time).
/// </summary>
internal sealed record DatasetSpec(TypeTarget Target, DatasetKind Kind)
{
    /// <summary>The CSV file, IDX images, image folder or text path.</summary>
    public string Path { get; init; } = "";

    /// <summary>The IDX labels file.</summary>
    public string LabelsPath { get; init; } = "";

    /// <summary>The IDX test images, or the CSV test file.</summary>
    public string? TestPath { get; init; }
    public string? TestLabelsPath { get; init; }
    public double Validation { get; init; }
    public double Test { get; init; }
    public bool Stratify { get; init; }
    public int OnBadRecord { get; init; }

    /// <summary>The declared <c>LastBatch</c>: 0 partial, 1 drop, 2 pad.</summary>
    public int LastBatch { get; init; }
    public bool Normalize { get; init; }

    /// <summary>One sample's dims, without the batch dim.</summary>
    public EquatableArray<long> SampleShape { get; init; } = EquatableArray<long>.Empty;

    public DatasetLabel Label { get; init; }

    /// <summary>The class count, or the number of regression targets; 0 when only the data can tell.</summary>
    public int Classes { get; init; }

    public EquatableArray<string> ClassNames { get; init; } = EquatableArray<string>.Empty;
    public EquatableArray<DatasetColumn> Features { get; init; } = EquatableArray<DatasetColumn>.Empty;
    public EquatableArray<DatasetColumn> Targets { get; init; } = EquatableArray<DatasetColumn>.Empty;
    public char Delimiter { get; init; } = ',';
    public bool Header { get; init; } = true;
    public int Missing { get; init; }
    public double Fill { get; init; }
    public int Tokenizer { get; init; }
    public string CacheFolder { get; init; } = "";
    public ImageAugmentationSpec? ImageAugmentation { get; init; }
    public TokenAugmentationSpec? TokenAugmentation { get; init; }
}
