using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Sculpt.HyperParameters;

/// <summary>Formats the option lists of <c>--help</c>: each option with what it takes, then one line on what it does.</summary>
public static class HelpText
{
    /// <summary>Option texts longer than this put their description on the next line, so the descriptions of the others stay in one column.</summary>
    public const int OptionWidth = 30;

    /// <summary>The width of an option column for these option texts: the longest of at most <see cref="OptionWidth"/> characters.</summary>
    public static int ColumnWidth(IEnumerable<string> options) => options.Select(o => o.Length).Where(n => n <= OptionWidth).DefaultIfEmpty(0).Max();

    /// <summary>The hyperparameters of a record, one per line: <c>--hidden int</c>, then the description, default and range.</summary>
    public static string Format(IReadOnlyList<HyperParameterInfo> options, int? width = null) => Columns(options.Select(o => (o.Usage, o.Help)), width);

    /// <summary>
    /// Options and their descriptions in two columns, indented by two spaces. The description column
    /// starts after the longest option text of at most <see cref="OptionWidth"/> characters; a longer
    /// option text gets a line of its own with its description below, in that column.
    /// </summary>
    /// <param name="rows">The options and their descriptions.</param>
    /// <param name="width">The option column's width, to align several lists (<see cref="ColumnWidth"/> of them all); by default these rows'.</param>
    public static string Columns(IEnumerable<(string Option, string Description)> rows, int? width = null)
    {
        var list = rows.ToList();
        int column = width ?? ColumnWidth(list.Select(r => r.Option));
        var text = new StringBuilder();
        foreach (var (option, description) in list)
        {
            text.Append("  ").Append(option);
            if (description.Length == 0)
            {
                text.Append('\n');
                continue;
            }
            if (option.Length > column) text.Append('\n').Append(' ', column + 4);
            else text.Append(' ', column - option.Length + 2);
            text.Append(description).Append('\n');
        }
        return text.ToString();
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
