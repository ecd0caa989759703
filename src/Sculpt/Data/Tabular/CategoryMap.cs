using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Sculpt.Data.Tabular;

/// <summary>The declared values of a categorical column, looked up by their UTF-8 bytes without allocating.</summary>
public sealed class CategoryMap
{
    private readonly byte[][] _keys;

    public CategoryMap(IReadOnlyList<string> names)
    {
        if (names.Count == 0 || names.Distinct().Count() != names.Count) throw new ArgumentException("Categories must be distinct and at least one.", nameof(names));
        Names = names;
        _keys = names.Select(Encoding.UTF8.GetBytes).ToArray();
    }

    public IReadOnlyList<string> Names { get; }

    public int Count => _keys.Length;

    /// <summary>The position of <paramref name="value"/> among the categories, or -1.</summary>
    public int IndexOf(string value)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], value, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    /// <summary>The position of <paramref name="value"/> (UTF-8) among the categories, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> value)
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            if (value.SequenceEqual(_keys[i])) return i;
        }
        return -1;
    }
}
