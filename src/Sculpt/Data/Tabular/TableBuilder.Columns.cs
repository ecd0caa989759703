using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Sculpt.Data.Tabular;

// Binding a declaration's properties to the file's columns: by header name, by numbered range or
// pattern of header names, or by position. Every column feeds at most one property.
public sealed partial class TableBuilder
{
    private Dictionary<string, int>? _headerKeys;
    private readonly Dictionary<int, string> _owners = [];

    /// <summary>
    /// The position of a column: found in the header by <paramref name="name"/> (ignoring case,
    /// spaces, '_' and '-'), or <paramref name="index"/> in a file without a header.
    /// </summary>
    public int Column(string name, int index)
    {
        if (!HasHeader)
        {
            _expectedFields = Math.Max(_expectedFields, index + 1);
            return Claim(index, $"'{name}'");
        }
        if (!HeaderKeys.TryGetValue(ColumnNames.Key(name), out int column))
        {
            throw new InvalidDataException($"{_reader.Path}:1: the header has no column '{name}'; it has {HeaderList()}.");
        }
        return Claim(column, $"'{name}'");
    }

    /// <summary>
    /// The position of a label or target column, as <see cref="Column"/> finds it; -1 when the table is
    /// read <see cref="TableSchema.Unlabelled"/> (new data for prediction need not have it, and it is not read).
    /// </summary>
    public int TargetColumn(string name, int index) => _unlabelled ? -1 : Column(name, index);

    /// <summary>
    /// The columns of vector feature <paramref name="property"/> named by the numbered range
    /// <paramref name="range"/> (<c>pixel1..pixel784</c>), in the range's order; every one must be
    /// in the header.
    /// </summary>
    public int[] ColumnRange(string property, string range)
    {
        var parsed = ColumnNames.ParseRange(range, out string problem) ?? throw new ArgumentException($"{property}: {problem}.", nameof(range));
        if (!HasHeader) throw new InvalidDataException($"{_reader.Path}: {property} reads columns {range} by name, but the file is read without a header; declare Index and Count instead.");
        var columns = new int[parsed.Count];
        var missing = new List<string>();
        for (int i = 0; i < columns.Length; i++)
        {
            if (HeaderKeys.TryGetValue(ColumnNames.Key(parsed.Name(i)), out columns[i])) continue;
            missing.Add(parsed.Name(i));
        }
        if (missing.Count > 0)
        {
            string which = missing.Count == 1 ? "it is the only one missing" : $"{missing.Count:N0} of its {columns.Length:N0} are missing: {Listed(missing.Select(m => $"'{m}'").ToList(), 5)}";
            throw new InvalidDataException($"{_reader.Path}:1: the header has no column '{missing[0]}' of {property} ({range}); {which}. The header has {HeaderList()}.");
        }
        return Claim(columns, $"{property} ({range})");
    }

    /// <summary>
    /// The columns of vector feature <paramref name="property"/> whose header names match
    /// <paramref name="pattern"/> (<c>*</c> any run of characters, <c>?</c> one; names compared as
    /// in <see cref="Column"/>), in header order; there must be exactly <paramref name="count"/>.
    /// </summary>
    public int[] ColumnPattern(string property, string pattern, int count)
    {
        if (!HasHeader) throw new InvalidDataException($"{_reader.Path}: {property} reads the columns matching '{pattern}', but the file is read without a header; declare Index and Count instead.");
        string key = ColumnNames.PatternKey(pattern);
        var columns = Enumerable.Range(0, _reader.Header.Count).Where(i => ColumnNames.Matches(key, ColumnNames.Key(_reader.Header[i]))).ToArray();
        if (columns.Length == 0)
        {
            throw new InvalidDataException($"{_reader.Path}:1: no column of the header matches {property}'s ColumnPattern '{pattern}'; the header has {HeaderList()}.");
        }
        if (columns.Length != count)
        {
            var names = columns.Select(c => $"'{_reader.Header[c]}'").ToList();
            throw new InvalidDataException($"{_reader.Path}:1: {property}'s ColumnPattern '{pattern}' matches {columns.Length:N0} columns ({Listed(names, 6)}), but {property} declares {count:N0}.");
        }
        return Claim(columns, $"{property} ('{pattern}')");
    }

    /// <summary>The columns <paramref name="index"/> to <paramref name="index"/> + <paramref name="count"/> - 1 of vector feature <paramref name="property"/>, by position, with or without a header.</summary>
    public int[] ColumnPositions(string property, int index, int count)
    {
        if (index < 0 || count < 1 || (long)index + count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), $"{property}: Index must be 0 or more and Count 1 or more, together within an int; got Index {index}, Count {count}.");
        int end = index + count;
        if (!HasHeader) _expectedFields = Math.Max(_expectedFields, end);
        else if (end > _reader.Header.Count)
        {
            throw new InvalidDataException($"{_reader.Path}:1: {property} reads columns {index + 1} to {end} (Index = {index}, Count = {count}), but the header has {_reader.Header.Count} columns.");
        }
        return Claim(Enumerable.Range(index, count).ToArray(), $"{property} (columns {index + 1} to {end})");
    }

    private int[] Claim(int[] columns, string owner)
    {
        foreach (int column in columns) Claim(column, owner);
        return columns;
    }

    private int Claim(int column, string owner)
    {
        if (_owners.TryGetValue(column, out string? first))
        {
            throw new InvalidDataException($"{_reader.Path}:{(HasHeader ? "1:" : "")} column '{ColumnName(column)}' is read twice, for {first} and for {owner}; a column feeds one property.");
        }
        _owners.Add(column, owner);
        return column;
    }

    /// <summary>The header's columns by name key; the first of two columns with one key wins, as it always has.</summary>
    private Dictionary<string, int> HeaderKeys
    {
        get
        {
            if (_headerKeys is null)
            {
                _headerKeys = new Dictionary<string, int>(_reader.Header.Count, StringComparer.Ordinal);
                for (int i = 0; i < _reader.Header.Count; i++) _headerKeys.TryAdd(ColumnNames.Key(_reader.Header[i]), i);
            }
            return _headerKeys;
        }
    }

    /// <summary>The header's names for a message, the first 12 of a wide header.</summary>
    private string HeaderList() => Listed(_reader.Header.Select(h => $"'{h}'").ToList(), 12);

    private static string Listed(IReadOnlyList<string> items, int shown) =>
        items.Count <= shown ? string.Join(", ", items) : $"{string.Join(", ", items.Take(shown))} and {items.Count - shown:N0} more";
}
