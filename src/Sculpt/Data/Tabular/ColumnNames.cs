using System;
using System.Globalization;
using System.Text;

namespace Sculpt.Data.Tabular;

/// <summary>
/// How a <c>[CsvDataset]</c> property names its columns: header names compared by their
/// <see cref="Key"/>, numbered ranges (<c>pixel1..pixel784</c>) and patterns (<c>pixel*</c>).
/// Compiled into the runtime, which binds the columns of a header, and, as a linked file, into
/// the generator, which checks the same declarations when the project builds (a range that does
/// not parse, two properties reading one column), so both read a declaration alike.
/// </summary>
internal static class ColumnNames
{
    /// <summary>The most columns a range may name (a larger one is a typo, and the analyzer would expand it).</summary>
    public const int MaxRangeCount = 1_000_000;

    /// <summary>
    /// The form in which names are compared: letters and digits, lower-cased, so that
    /// <c>petal_width</c>, <c>Petal Width</c> and <c>PetalWidth</c> are one column.
    /// </summary>
    public static string Key(string name)
    {
        var key = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (char.IsLetterOrDigit(c)) key.Append(char.ToLowerInvariant(c));
        }
        return key.ToString();
    }

    /// <summary>A pattern in the form <see cref="Matches"/> compares: its <see cref="Key"/> with the wildcards <c>*</c> and <c>?</c> kept.</summary>
    public static string PatternKey(string pattern)
    {
        var key = new StringBuilder(pattern.Length);
        foreach (char c in pattern)
        {
            if (c is '*' or '?') key.Append(c);
            else if (char.IsLetterOrDigit(c)) key.Append(char.ToLowerInvariant(c));
        }
        return key.ToString();
    }

    /// <summary>
    /// Whether the column key <paramref name="key"/> matches <paramref name="patternKey"/>
    /// (both as <see cref="Key"/> and <see cref="PatternKey"/> give them): <c>*</c> stands for any
    /// run of characters, <c>?</c> for one.
    /// </summary>
    public static bool Matches(string patternKey, string key)
    {
        int p = 0, k = 0, star = -1, resume = 0;
        while (k < key.Length)
        {
            if (p < patternKey.Length && (patternKey[p] == '?' || patternKey[p] == key[k]))
            {
                p++;
                k++;
            }
            else if (p < patternKey.Length && patternKey[p] == '*')
            {
                star = p++;
                resume = k;
            }
            else if (star >= 0)
            {
                p = star + 1;
                k = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < patternKey.Length && patternKey[p] == '*') p++;
        return p == patternKey.Length;
    }

    /// <summary>
    /// Reads a numbered range, <c>first..last</c>, whose ends differ only in their last number:
    /// <c>pixel1..pixel784</c>, <c>f01_mean..f12_mean</c> (zero-padded to the first end's digits).
    /// Returns null and the reason when <paramref name="text"/> is not one.
    /// </summary>
    public static NumberedRange? ParseRange(string text, out string problem)
    {
        problem = "";
        int dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0 || text.IndexOf("..", dots + 2, StringComparison.Ordinal) >= 0)
        {
            problem = $"\"{text}\" is not a range: write the first and the last column's names with '..' between them, e.g. \"pixel1..pixel784\"";
            return null;
        }
        string from = text.Substring(0, dots).Trim(), to = text.Substring(dots + 2).Trim();
        if (!TrySplit(from, out string prefix, out string firstDigits, out string suffix) || !TrySplit(to, out string lastPrefix, out string lastDigits, out string lastSuffix))
        {
            problem = $"the ends of \"{text}\" must be numbered names, e.g. \"pixel1..pixel784\"; '{(TrySplit(from, out _, out _, out _) ? to : from)}' has no number";
            return null;
        }
        if (prefix != lastPrefix || suffix != lastSuffix)
        {
            problem = $"the ends of \"{text}\" must differ only in their number; '{from}' and '{to}' differ in {(prefix != lastPrefix ? $"what comes before it ('{prefix}', '{lastPrefix}')" : $"what comes after it ('{suffix}', '{lastSuffix}')")}";
            return null;
        }
        int digits = firstDigits.Length > 1 && firstDigits[0] == '0' ? firstDigits.Length : 0;
        if (digits > 0 ? lastDigits.Length != digits : lastDigits.Length > 1 && lastDigits[0] == '0')
        {
            problem = $"the numbers of \"{text}\" are padded with zeros differently: write both ends with {(digits > 0 ? digits : firstDigits.Length)} digits, or neither padded";
            return null;
        }
        if (!int.TryParse(firstDigits, NumberStyles.None, CultureInfo.InvariantCulture, out int first) || !int.TryParse(lastDigits, NumberStyles.None, CultureInfo.InvariantCulture, out int last))
        {
            problem = $"the numbers of \"{text}\" are too large";
            return null;
        }
        if (last < first)
        {
            problem = $"\"{text}\" runs backwards, so it names no column: write the lower end first, \"{to}..{from}\"";
            return null;
        }
        if ((long)last - first + 1 > MaxRangeCount)
        {
            problem = $"\"{text}\" names {Count((long)last - first + 1)} columns; a range names at most {Count(MaxRangeCount)}";
            return null;
        }
        return new NumberedRange(prefix, first, last, suffix, digits);
    }

    /// <summary>A count for a message, with thousands separators whatever the culture (the generator runs in the user's).</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Splits a name at its last run of digits: <c>f12_mean</c> is <c>f</c>, <c>12</c>, <c>_mean</c>.</summary>
    private static bool TrySplit(string name, out string prefix, out string digits, out string suffix)
    {
        int end = name.Length;
        while (end > 0 && !IsDigit(name[end - 1])) end--;
        int start = end;
        while (start > 0 && IsDigit(name[start - 1])) start--;
        prefix = name.Substring(0, start);
        digits = name.Substring(start, end - start);
        suffix = name.Substring(end);
        return digits.Length > 0;
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';
}

/// <summary>The columns <c>Prefix + number + Suffix</c> for the numbers <see cref="First"/> to <see cref="Last"/>, zero-padded to <see cref="Digits"/> (0: not padded).</summary>
internal sealed class NumberedRange(string prefix, int first, int last, string suffix, int digits)
{
    public string Prefix { get; } = prefix;
    public int First { get; } = first;
    public int Last { get; } = last;
    public string Suffix { get; } = suffix;
    public int Digits { get; } = digits;

    public int Count => Last - First + 1;

    /// <summary>The name of the range's <paramref name="position"/>-th column (0-based).</summary>
    public string Name(int position) => Prefix + (First + position).ToString(Digits > 0 ? "D" + Digits.ToString(CultureInfo.InvariantCulture) : "D", CultureInfo.InvariantCulture) + Suffix;

    /// <summary>The position in the range of the column whose <see cref="ColumnNames.Key"/> is <paramref name="key"/>, or -1.</summary>
    public int PositionOf(string key)
    {
        string prefix = ColumnNames.Key(Prefix), suffix = ColumnNames.Key(Suffix);
        int length = key.Length - prefix.Length - suffix.Length;
        if (length <= 0 || !key.StartsWith(prefix, StringComparison.Ordinal) || !key.EndsWith(suffix, StringComparison.Ordinal)) return -1;
        string number = key.Substring(prefix.Length, length);
        foreach (char c in number)
        {
            if (c is < '0' or > '9') return -1;
        }
        if (Digits > 0 ? number.Length != Digits : number.Length > 1 && number[0] == '0') return -1;
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < First || value > Last) return -1;
        return value - First;
    }

    public override string ToString() => Name(0) + ".." + Name(Count - 1);
}
