using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Sculpt.HyperParameters;

/// <summary>Formats the <c>--help</c> table of a hyperparameter record.</summary>
public static class HelpText
{
    public static string Format(IReadOnlyList<HyperParameterInfo> options)
    {
        var rows = new List<string[]> { new[] { "option", "type", "default", "range" } };
        rows.AddRange(options.Select(o => new[] { o.Flag, o.Type, o.Default, o.RangeText }));
        return TextTable.Format(rows);
    }
}

/// <summary>Left-aligned columns separated by two spaces, the first row a header.</summary>
public static class TextTable
{
    public static string Format(IReadOnlyList<string[]> rows)
    {
        int columns = rows.Max(r => r.Length);
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++) widths[c] = System.Math.Max(widths[c], row[c].Length);
        }
        var text = new StringBuilder();
        for (int r = 0; r < rows.Count; r++)
        {
            var line = new StringBuilder();
            for (int c = 0; c < rows[r].Length; c++)
            {
                line.Append(c == rows[r].Length - 1 ? rows[r][c] : rows[r][c].PadRight(widths[c] + 2));
            }
            text.Append(line.ToString().TrimEnd()).Append('\n');
            if (r == 0) text.Append(new string('-', widths.Sum() + 2 * (columns - 1))).Append('\n');
        }
        return text.ToString();
    }
}
