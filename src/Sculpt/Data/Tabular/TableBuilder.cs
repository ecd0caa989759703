using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Sculpt.Data.Tabular;

/// <summary>How a <c>[CsvDataset]</c>'s label column is read.</summary>
public enum LabelKind
{
    /// <summary>Class names (strings), indexed by <c>ClassNames</c> or by their sorted order.</summary>
    ClassName,

    /// <summary>Class indices 0 to C-1.</summary>
    ClassIndex,

    /// <summary>true/false (or 1/0) as classes 1/0.</summary>
    Boolean,

    /// <summary>Numbers to regress on, one column per target.</summary>
    Regression,
}

/// <summary>The settings of a <c>[CsvDataset]</c> that shape how its rows are read.</summary>
public sealed record TableOptions(MissingValues Missing = MissingValues.Error, double Fill = 0, BadRecords OnBadRecord = BadRecords.Error);

/// <summary>What a <c>[CsvDataset]</c> reads from each row: its features, its label and the policies.</summary>
/// <param name="FeatureNames">The feature columns, in feature-vector order.</param>
/// <param name="LabelKind">How the label column(s) read.</param>
/// <param name="TargetCount">The number of regression targets (1 for a class label).</param>
/// <param name="Options">The missing-value and bad-record policies.</param>
/// <param name="ClassNames">Declared class names of a <see cref="LabelKind.ClassName"/> label, or null to collect them.</param>
/// <param name="Classes">The declared class count of a <see cref="LabelKind.ClassIndex"/> label, or 0.</param>
public sealed record TableSchema(string[] FeatureNames, LabelKind LabelKind, int TargetCount, TableOptions Options, string[]? ClassNames = null, int Classes = 0)
{
    /// <summary>
    /// One sample's dims when the features are one vector declared with a <c>Shape</c> (e.g.
    /// <c>[1, 28, 28]</c>: the feature matrix is then <c>[N, 1, 28, 28]</c>); null for <c>[N, F]</c>.
    /// </summary>
    public long[]? SampleShape { get; init; }

    /// <summary>
    /// Features only, as new data for prediction has them: the label or target columns may be absent
    /// and are not read when present; the table has no labels.
    /// </summary>
    public bool Unlabelled { get; init; }

    /// <summary>The names of the <paramref name="count"/> entries of vector feature <paramref name="property"/>: <c>Pixels[0]</c>, <c>Pixels[1]</c>, ...</summary>
    public static IEnumerable<string> VectorNames(string property, int count) =>
        Enumerable.Range(0, count).Select(i => property + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
}

/// <summary>
/// Collects the rows of a <see cref="CsvRecordReader"/> into a feature matrix and targets, one
/// typed call per column (the generated loader makes them, in declaration order). A field that does
/// not parse, a missing value or an unknown class either stops the load with an error naming the
/// file, line and column, or skips the row, as the dataset declares.
/// </summary>
public sealed partial class TableBuilder
{
    private static readonly byte[][] MissingMarkers = [[], "NA"u8.ToArray(), "N/A"u8.ToArray(), "?"u8.ToArray()];

    private readonly CsvRecordReader _reader;
    private readonly string[] _featureNames;
    private readonly LabelKind _labelKind;
    private readonly int _targetCount;
    private readonly TableOptions _options;
    private readonly long[]? _sampleShape;
    private readonly bool _unlabelled;
    private readonly List<byte[]> _classKeys = [];
    private readonly List<string> _classNames = [];
    private readonly bool _classesDeclared;
    private readonly int _declaredClassCount;
    private readonly List<(long Line, string Reason)> _skipReasons = [];
    private int _expectedFields;
    private float[] _features;
    private float[] _targets;
    private long[] _classes;
    // Rows are written from row _first of the arrays; a piece of a file read in parallel writes its
    // own range of shared arrays (_capacity rows, not grown), a whole file grows its own arrays.
    private readonly int _first;
    private int _capacity;
    private readonly bool _growable = true;
    private int _rows;
    private int _rowStart;
    private int _skipped;
    private bool _rowIsBad;
    private long _largestClass = -1;

    /// <param name="reader">The open file, past its header.</param>
    /// <param name="schema">What each row holds.</param>
    public TableBuilder(CsvRecordReader reader, TableSchema schema)
    {
        _reader = reader;
        _featureNames = schema.FeatureNames;
        _labelKind = schema.LabelKind;
        _targetCount = schema.TargetCount;
        _options = schema.Options;
        _sampleShape = schema.SampleShape;
        _unlabelled = schema.Unlabelled;
        _expectedFields = reader.Header.Count;
        if (schema.ClassNames is { Length: > 0 } classNames)
        {
            _classesDeclared = true;
            foreach (string name in classNames) AddClass(name);
        }
        _declaredClassCount = schema.LabelKind == LabelKind.Boolean ? 2 : schema.Classes;
        _capacity = 1024;
        _features = GC.AllocateUninitializedArray<float>(_featureNames.Length * _capacity);
        _targets = _labelKind == LabelKind.Regression && !_unlabelled ? GC.AllocateUninitializedArray<float>(_targetCount * _capacity) : [];
        _classes = _labelKind == LabelKind.Regression || _unlabelled ? [] : GC.AllocateUninitializedArray<long>(_capacity);
    }

    /// <summary>A builder for rows <paramref name="first"/> to <paramref name="first"/> + <paramref name="capacity"/> of arrays shared with the builders of a file's other pieces.</summary>
    internal TableBuilder(CsvRecordReader reader, TableSchema schema, TableStorage storage, int first, int capacity) : this(reader, schema)
    {
        _features = storage.Features;
        _targets = storage.Targets;
        _classes = storage.Classes;
        _first = first;
        _capacity = capacity;
        _growable = false;
    }

    /// <summary>Starts a row; false (after counting or reporting it) when its field count is wrong.</summary>
    public bool BeginRecord()
    {
        _rowIsBad = false;
        if (_rows == _capacity) Grow();
        _rowStart = (_first + _rows) * _featureNames.Length;
        if (HasHeader ? _reader.FieldCount != _expectedFields : _reader.FieldCount < _expectedFields)
        {
            Bad($"has {_reader.FieldCount} fields; expected {_expectedFields}");
            return false;
        }
        return true;
    }

    private bool HasHeader => _reader.Header.Count > 0;

    /// <summary>Feature <paramref name="feature"/> of the row, a number in <paramref name="column"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Number(int feature, int column)
    {
        if (!_rowIsBad && _reader.TryReadPlainFloat(column, out float plain))
        {
            _features[_rowStart + feature] = plain;
            return;
        }
        NumberSlowly(feature, column);
    }

    private void NumberSlowly(int feature, int column)
    {
        if (_rowIsBad) return;
        var field = Trim(_reader.Field(column));
        float value;
        if (IsMissing(field))
        {
            switch (_options.Missing)
            {
                case MissingValues.Fill: value = (float)_options.Fill; break;
                case MissingValues.FillMean: value = float.NaN; break;
                case MissingValues.SkipRow: Bad($"column '{ColumnName(column)}' has no value", missing: true); return;
                default: throw Error($"column '{ColumnName(column)}' has no value; declare Missing = MissingValues.SkipRow, Fill or FillMean on the dataset to accept missing values");
            }
        }
        else if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !float.IsFinite(value))
        {
            Bad($"column '{ColumnName(column)}' has '{Text(field)}', which is not a finite number");
            return;
        }
        _features[_rowStart + feature] = value;
    }

    /// <summary>Feature <paramref name="feature"/> of the row, true/false or 1/0 in <paramref name="column"/>, as 1 or 0.</summary>
    public void Boolean(int feature, int column)
    {
        if (_rowIsBad) return;
        var field = Trim(_reader.Field(column));
        if (!TryBoolean(field, out bool value))
        {
            Bad($"column '{ColumnName(column)}' has '{Text(field)}'; expected true, false, 1 or 0");
            return;
        }
        _features[_rowStart + feature] = value ? 1f : 0f;
    }

    /// <summary>
    /// A vector feature: the numbers in <paramref name="columns"/> (as <see cref="ColumnRange"/>,
    /// <see cref="ColumnPattern"/> or <see cref="ColumnPositions"/> bound them) into features
    /// <paramref name="slot"/> to <paramref name="slot"/> + their count, each on
    /// <see cref="Number"/>'s fast path, straight from the reader's UTF-8 bytes.
    /// </summary>
    public void Numbers(int slot, int[] columns)
    {
        if (_rowIsBad) return;
        var features = _features.AsSpan(_rowStart + slot, columns.Length);
        for (int i = 0; i < columns.Length; i++)
        {
            if (_reader.TryReadPlainFloat(columns[i], out float plain))
            {
                features[i] = plain;
                continue;
            }
            NumberSlowly(slot + i, columns[i]);
            if (_rowIsBad) return;
        }
    }

    /// <summary>A vector feature of true/false or 1/0 columns, as <see cref="Boolean"/> reads one.</summary>
    public void Booleans(int slot, int[] columns)
    {
        for (int i = 0; i < columns.Length && !_rowIsBad; i++) Boolean(slot + i, columns[i]);
    }

    /// <summary>
    /// A categorical column as one-hot features <paramref name="slot"/> to <paramref name="slot"/> +
    /// the category count: 1 for the row's category, 0 elsewhere (all 0 for a missing value under
    /// <c>Fill</c>/<c>FillMean</c>).
    /// </summary>
    public void Category(int slot, int column, CategoryMap categories)
    {
        if (_rowIsBad) return;
        var field = Trim(_reader.Field(column));
        var slots = _features.AsSpan(_rowStart + slot, categories.Count);
        if (IsMissing(field))
        {
            switch (_options.Missing)
            {
                case MissingValues.Fill or MissingValues.FillMean: slots.Clear(); return;
                case MissingValues.SkipRow: Bad($"column '{ColumnName(column)}' has no value", missing: true); return;
                default: throw Error($"column '{ColumnName(column)}' has no value; declare Missing = MissingValues.SkipRow, Fill or FillMean on the dataset to accept missing values");
            }
        }
        int index = categories.IndexOf(field);
        if (index < 0)
        {
            Bad($"column '{ColumnName(column)}' has '{Text(field)}', which is not one of its categories ({string.Join(", ", categories.Names)})");
            return;
        }
        slots.Clear();
        slots[index] = 1f;
    }

    /// <summary>The row's class label, read from <paramref name="column"/> as the dataset's <see cref="LabelKind"/> says.</summary>
    public void Label(int column)
    {
        if (_rowIsBad || _unlabelled) return;
        var field = Trim(_reader.Field(column));
        if (IsMissing(field))
        {
            Bad($"label column '{ColumnName(column)}' has no value", missing: _options.Missing == MissingValues.SkipRow);
            return;
        }
        long label;
        switch (_labelKind)
        {
            case LabelKind.ClassName:
                label = ClassOf(field);
                if (label < 0)
                {
                    Bad($"label '{Text(field)}' is not one of the declared classes ({string.Join(", ", _classNames)})");
                    return;
                }
                break;
            case LabelKind.Boolean:
                if (!TryBoolean(field, out bool flag))
                {
                    Bad($"label column '{ColumnName(column)}' has '{Text(field)}'; expected true, false, 1 or 0");
                    return;
                }
                label = flag ? 1 : 0;
                break;
            case LabelKind.ClassIndex:
                if (!Utf8Parser.TryParse(field, out label, out int used) || used != field.Length || label < 0
                    || (_declaredClassCount > 0 && label >= _declaredClassCount))
                {
                    string range = _declaredClassCount > 0 ? $"0 to {_declaredClassCount - 1}" : "a class index 0 or more";
                    Bad($"label '{Text(field)}' is not a class: expected {range}");
                    return;
                }
                _largestClass = Math.Max(_largestClass, label);
                break;
            default:
                throw new InvalidOperationException($"A {_labelKind} label is read with {nameof(Target)}.");
        }
        _classes[_first + _rows] = label;
    }

    /// <summary>Regression target <paramref name="target"/> of the row, a number in <paramref name="column"/>.</summary>
    public void Target(int target, int column)
    {
        if (_rowIsBad || _unlabelled) return;
        var field = Trim(_reader.Field(column));
        if (IsMissing(field))
        {
            Bad($"target column '{ColumnName(column)}' has no value", missing: _options.Missing == MissingValues.SkipRow);
            return;
        }
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
        {
            Bad($"target column '{ColumnName(column)}' has '{Text(field)}', which is not a finite number");
            return;
        }
        _targets[(_first + _rows) * _targetCount + target] = value;
    }

    /// <summary>Keeps the row unless one of its fields was bad.</summary>
    public void EndRecord()
    {
        if (!_rowIsBad) _rows++;
    }

    /// <summary>The rows read, with class names in label order (sorted, unless declared).</summary>
    public TabularData Finish() => Merge([this], [0]);

    /// <summary>
    /// The rows of the builders of a file's consecutive pieces, in order, as one table (one
    /// builder: its own arrays; pieces: their shared arrays, with each piece's rows moved up to
    /// follow the last piece's where a piece held fewer rows than lines). Line numbers of skipped
    /// records move by <paramref name="lineOffsets"/>; collected class names are merged and sorted,
    /// so labels do not depend on how the file was cut.
    /// </summary>
    internal static TabularData Merge(IReadOnlyList<TableBuilder> parts, IReadOnlyList<long> lineOffsets)
    {
        var first = parts[0];
        string path = first._reader.Path;
        int features = first._featureNames.Length, targetCount = first._targetCount;
        int skipped = parts.Sum(p => p._skipped);
        var reasons = parts.SelectMany((p, k) => p._skipReasons.Select(r => $"line {r.Line + lineOffsets[k]}: {r.Reason}")).Take(SkippedRecords.ReasonsKept).ToArray();
        int rows = parts.Sum(p => p._rows);
        if (rows == 0) throw new InvalidDataException($"{path}: no usable rows{(skipped > 0 ? $" ({skipped} skipped; first: {reasons[0]})" : "")}.");
        if (first._unlabelled)
        {
            int at = 0;
            foreach (var part in parts)
            {
                if (part._first != at) Array.Copy(part._features, part._first * features, part._features, at * features, part._rows * features);
                at += part._rows;
            }
            return new TabularData(path, first._featureNames, first._features, rows, null, first._classesDeclared ? first._classNames.ToArray() : null, 0, null, targetCount,
                new SkippedRecords(path, skipped, reasons)) { SampleShape = first._sampleShape };
        }
        string[]? names = first._labelKind == LabelKind.ClassName
            ? first._classesDeclared ? first._classNames.ToArray() : parts.SelectMany(p => p._classNames).Distinct().Order(StringComparer.Ordinal).ToArray()
            : null;
        int row = 0;
        foreach (var part in parts)
        {
            if (part._first != row)
            {
                Array.Copy(part._features, part._first * features, part._features, row * features, part._rows * features);
                if (part._labelKind == LabelKind.Regression) Array.Copy(part._targets, part._first * targetCount, part._targets, row * targetCount, part._rows * targetCount);
                else Array.Copy(part._classes, part._first, part._classes, row, part._rows);
            }
            if (names is not null && !first._classesDeclared)
            {
                // This part's labels index its own names, in the order it met them.
                var index = part._classNames.Select(name => (long)Array.BinarySearch(names, name, StringComparer.Ordinal)).ToArray();
                for (int i = row; i < row + part._rows; i++) part._classes[i] = index[part._classes[i]];
            }
            row += part._rows;
        }
        int classCount = first._labelKind switch
        {
            LabelKind.ClassName => names!.Length,
            LabelKind.Boolean => 2,
            LabelKind.ClassIndex => first._declaredClassCount > 0 ? first._declaredClassCount : checked((int)parts.Max(p => p._largestClass) + 1),
            _ => 0,
        };
        bool regression = first._labelKind == LabelKind.Regression;
        return new TabularData(path, first._featureNames, first._features, rows, regression ? null : first._classes, names, classCount,
            regression ? first._targets : null, targetCount, new SkippedRecords(path, skipped, reasons)) { SampleShape = first._sampleShape };
    }

    private long ClassOf(ReadOnlySpan<byte> field)
    {
        for (int i = 0; i < _classKeys.Count; i++)
        {
            if (field.SequenceEqual(_classKeys[i])) return i;
        }
        if (_classesDeclared) return -1;
        AddClass(Text(field));
        return _classKeys.Count - 1;
    }

    private void AddClass(string name)
    {
        _classNames.Add(name);
        _classKeys.Add(Encoding.UTF8.GetBytes(name));
    }

    /// <summary>A row that cannot be used: an error, or counted and skipped under a skip policy.</summary>
    private void Bad(string reason, bool missing = false)
    {
        bool skip = missing ? _options.Missing == MissingValues.SkipRow : _options.OnBadRecord == BadRecords.Skip;
        if (!skip)
        {
            string hint = missing ? "" : "; declare OnBadRecord = BadRecords.Skip on the dataset to skip such rows";
            throw Error(reason + hint);
        }
        _rowIsBad = true;
        _skipped++;
        if (_skipReasons.Count < SkippedRecords.ReasonsKept) _skipReasons.Add((_reader.Line, reason));
    }

    private InvalidDataException Error(string reason) => new($"{_reader.Path}:{_reader.Line}: {reason}.");

    private string ColumnName(int column) => HasHeader && column < _reader.Header.Count ? _reader.Header[column] : $"#{column + 1}";

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> field) => field.Trim((byte)' ');

    private static bool IsMissing(ReadOnlySpan<byte> field)
    {
        foreach (var marker in MissingMarkers)
        {
            if (field.SequenceEqual(marker)) return true;
        }
        return false;
    }

    private static bool TryBoolean(ReadOnlySpan<byte> field, out bool value)
    {
        if (field.SequenceEqual("1"u8) || Ascii.EqualsIgnoreCase(field, "true"u8)) return value = true;
        value = false;
        return field.SequenceEqual("0"u8) || Ascii.EqualsIgnoreCase(field, "false"u8);
    }

    private static string Text(ReadOnlySpan<byte> field) => field.Length > 40 ? Encoding.UTF8.GetString(field[..40]) + "..." : Encoding.UTF8.GetString(field);

    private void Grow()
    {
        // A piece holds at most one record per line, and its capacity is its line count.
        if (!_growable) throw new InvalidOperationException($"{_reader.Path}: a piece read in parallel holds more records than lines.");
        // Rows so far and the bytes they took predict the rest of the file; 5% spare saves a last doubling.
        long predicted = _rows > 0 && _reader.BytesRead > 0 ? (long)(_reader.Length * 1.05 * _rows / _reader.BytesRead) : 0;
        int capacity = (int)Math.Min(Array.MaxLength / Math.Max(1, Math.Max(_featureNames.Length, _targetCount)), Math.Max(_capacity * 2L, predicted));
        _features = Resized(_features, _rows * _featureNames.Length, capacity * _featureNames.Length);
        if (_labelKind == LabelKind.Regression && !_unlabelled) _targets = Resized(_targets, _rows * _targetCount, capacity * _targetCount);
        else if (!_unlabelled) _classes = Resized(_classes, _rows, capacity);
        _capacity = capacity;
    }

    /// <summary>A larger array with the first <paramref name="used"/> items (the rest is not cleared: it is written before it is read).</summary>
    private static T[] Resized<T>(T[] array, int used, int length)
    {
        var larger = GC.AllocateUninitializedArray<T>(length);
        Array.Copy(array, larger, used);
        return larger;
    }
}
