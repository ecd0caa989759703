using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Data.Tabular;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// The columns of a <c>[CsvDataset]</c> record's properties: a vector feature (an array property
/// with <c>Columns</c>, <c>ColumnPattern</c>, or <c>Index</c> and <c>Count</c>, and an optional
/// <c>Shape</c>), and the rule that no two properties read one column. Problems are SCULPT0016,
/// at the argument that causes them; a vector's element type is SCULPT0009, as a scalar's is.
/// </summary>
internal static class FeatureColumns
{
    /// <summary>The <c>[Feature]</c> arguments that only an array property takes.</summary>
    private static readonly string[] VectorArguments = ["Columns", "ColumnPattern", "Count", "Shape"];

    /// <summary>Ranges up to this size are expanded to compare them with other ranges and patterns.</summary>
    private const int ExpandedAtMost = 100_000;

    /// <summary>A property's column or columns and where the declaration says so, for the overlap check.</summary>
    public sealed record Claim(DatasetColumn Column, Location? Location);

    /// <summary>
    /// An array property as a vector feature, or null (with the problems added) when it cannot be
    /// one. <paramref name="order"/> is its default position in a file without a header.
    /// </summary>
    public static DatasetColumn? Vector(DatasetContext context, IPropertySymbol property, IArrayTypeSymbol array, AttributeData? feature, AttributeData? label, int order, Location? typeLocation)
    {
        var problems = context.Problems;
        string name = property.Name;
        if (label is not null)
        {
            problems.Add(new($"label '{name}' is an array; a label is one column (several float or double [Label] properties are several regression targets)", typeLocation));
            return null;
        }
        var element = array.ElementType.SpecialType;
        if (array.Rank != 1 || !(DatasetParser.IsNumber(element) || element == SpecialType.System_Boolean))
        {
            problems.Add(new($"feature '{name}' has type {property.Type.ToDisplayString()}; a vector feature is a one-dimensional array of numbers or bools (float[]), its dims given by Shape", typeLocation));
            return null;
        }
        void Problem(string message, string? argument) => context.Column(name, message, feature, argument, typeLocation);
        var written = feature?.NamedArguments.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Last().Value) ?? new Dictionary<string, TypedConstant>();
        if (written.ContainsKey("Categories")) Problem($"Categories one-hot encode one string column; '{name}' is an array", "Categories");
        if (written.ContainsKey("Column")) Problem($"Column names one column; an array property names its columns with Columns = \"pixel1..pixel784\" or ColumnPattern", "Column");
        string? range = written.TryGetValue("Columns", out var r) ? r.Value as string : null;
        string? pattern = written.TryGetValue("ColumnPattern", out var p) ? p.Value as string : null;
        bool indexWritten = written.TryGetValue("Index", out var i) && i.Value is int explicitIndex && explicitIndex >= 0;
        int index = indexWritten ? (int)i.Value! : order;
        bool countWritten = written.TryGetValue("Count", out var c) && c.Value is int;
        int count = countWritten ? (int)c.Value! : 0;
        string? shapeText = written.TryGetValue("Shape", out var s) ? s.Value as string : null;

        var chosen = new List<string>();
        if (range is not null) chosen.Add("Columns");
        if (pattern is not null) chosen.Add("ColumnPattern");
        if (indexWritten) chosen.Add("Index");
        if (chosen.Count > 1)
        {
            Problem($"{chosen[0]} and {chosen[1]} both choose the columns of '{name}': keep one", chosen[1]);
            return null;
        }
        if (countWritten && count is < 1 or > ColumnNames.MaxRangeCount)
        {
            Problem($"Count must be 1 to {ColumnNames.Count(ColumnNames.MaxRangeCount)}; got {ColumnNames.Count(count)}", "Count");
            return null;
        }
        long[] shape = [];
        if (shapeText is not null)
        {
            var dims = shapeText.Split([' '], System.StringSplitOptions.RemoveEmptyEntries)
                .Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v is > 0 and <= int.MaxValue ? v : -1).ToArray();
            if (dims.Length == 0 || dims.Any(d => d < 0) || dims.Aggregate(1.0, (product, d) => product * d) > ColumnNames.MaxRangeCount)
            {
                Problem($"Shape must be positive integers separated by spaces, e.g. \"1 28 28\", of at most {ColumnNames.Count(ColumnNames.MaxRangeCount)} values; got \"{shapeText}\"", "Shape");
                return null;
            }
            shape = dims;
        }
        int shaped = shape.Length == 0 ? 0 : (int)shape.Aggregate(1L, (product, d) => product * d);

        var selection = ColumnSelection.Positions;
        string column = "";
        if (range is not null || pattern is not null)
        {
            string argument = range is not null ? "Columns" : "ColumnPattern";
            if (!context.Header)
            {
                Problem($"{argument} picks header columns by name, but '{context.TypeName}' has Header = false: read them by position with Index and Count", argument);
                return null;
            }
            if (range is not null)
            {
                if (ColumnNames.ParseRange(range, out string problem) is not { } parsed)
                {
                    Problem(problem, "Columns");
                    return null;
                }
                if (countWritten && count != parsed.Count)
                {
                    Problem($"Count is {count}, but Columns \"{range}\" names {parsed.Count} columns: leave Count out", "Count");
                    return null;
                }
                (selection, column, count) = (ColumnSelection.Range, range, parsed.Count);
            }
            else
            {
                if (ColumnNames.PatternKey(pattern!).Length == 0)
                {
                    Problem($"ColumnPattern must match names, e.g. \"pixel*\"; got \"{pattern}\"", "ColumnPattern");
                    return null;
                }
                (selection, column) = (ColumnSelection.Pattern, pattern!);
            }
        }
        else if (!indexWritten && context.Header)
        {
            Problem($"'{name}' is an array: say which columns it reads, with Columns = \"pixel1..pixel784\", ColumnPattern = \"pixel*\" and Count, or Index and Count", feature is null ? null : "");
            return null;
        }
        if (count == 0) count = shaped;
        if (count == 0)
        {
            Problem(selection == ColumnSelection.Pattern
                ? $"ColumnPattern \"{pattern}\" needs Count (or Shape) to say how many columns it matches: the feature width, and so the model's input, must be known when the project builds"
                : $"'{name}' reads columns by position from Index {index}: say how many with Count (or Shape)", selection == ColumnSelection.Pattern ? "ColumnPattern" : indexWritten ? "Index" : "");
            return null;
        }
        if (selection == ColumnSelection.Positions && (long)index + count > int.MaxValue)
        {
            Problem($"Index {index} and Count {count} run past the last column a file can have", indexWritten ? "Index" : "Count");
            return null;
        }
        if (shape.Length > 0 && shaped != count)
        {
            Problem($"Shape \"{shapeText}\" holds {ColumnNames.Count(shaped)} values, but '{name}' reads {ColumnNames.Count(count)} columns", "Shape");
            return null;
        }
        return new DatasetColumn(name, column, selection == ColumnSelection.Positions ? index : -1, element == SpecialType.System_Boolean)
        {
            Selection = selection,
            Count = count,
            Shape = shape.ToEquatableArray(),
        };
    }

    /// <summary>Reports the vector-only arguments on a property that is not an array.</summary>
    public static void NotVector(DatasetContext context, IPropertySymbol property, AttributeData? feature)
    {
        if (feature is null) return;
        foreach (var argument in feature.NamedArguments.Select(a => a.Key).Distinct().Where(VectorArguments.Contains))
        {
            context.Column(property.Name, $"{argument} belongs to an array property (a vector feature such as float[] Pixels); '{property.Name}' is {property.Type.ToDisplayString()}", feature, argument, null);
        }
    }

    /// <summary>Reports the first pair of properties that read one column (at the vector's selection, or the later property).</summary>
    public static void Overlaps(DatasetContext context, IReadOnlyList<Claim> claims)
    {
        for (int j = 1; j < claims.Count; j++)
        {
            for (int i = 0; i < j; i++)
            {
                if (Shared(claims[i].Column, claims[j].Column, context.Header) is not { } shared) continue;
                // Report at the vector, which is where a too-wide selection is fixed; of two, at the later.
                var (at, other) = claims[i].Column.IsVector && !claims[j].Column.IsVector ? (claims[i], claims[j]) : (claims[j], claims[i]);
                string what = Describe(at.Column);
                context.Problems.Add(new($"'{at.Column.Property}'{(what.Length > 0 ? $" ({what})" : "")} and '{other.Column.Property}' both read {shared}: a column feeds one property", at.Location, Property: at.Column.Property));
                return;
            }
        }
    }

    /// <summary>A column both read, described for a message, or null when none is (or it cannot be known before the file is read).</summary>
    private static string? Shared(DatasetColumn a, DatasetColumn b, bool header)
    {
        if (!header || a.Selection == ColumnSelection.Positions && b.Selection == ColumnSelection.Positions)
        {
            long start = System.Math.Max(a.Index, b.Index), end = System.Math.Min((long)a.Index + a.Width, (long)b.Index + b.Width);
            return a.Index >= 0 && b.Index >= 0 && start < end ? $"the column at Index {start}" : null;
        }
        if (a.Selection == ColumnSelection.Positions || b.Selection == ColumnSelection.Positions) return null;
        if (a.Selection == ColumnSelection.Pattern && b.Selection == ColumnSelection.Pattern) return null;
        if (a.Selection > b.Selection) (a, b) = (b, a);
        // a is now a single column or a range; b a single column, a range or a pattern.
        foreach (string name in Names(a))
        {
            string key = ColumnNames.Key(name);
            bool read = b.Selection switch
            {
                ColumnSelection.One => ColumnNames.Key(b.Column) == key,
                ColumnSelection.Range => ColumnNames.ParseRange(b.Column, out _)?.PositionOf(key) >= 0,
                _ => ColumnNames.Matches(ColumnNames.PatternKey(b.Column), key),
            };
            if (read) return $"column '{name}'";
        }
        return null;
    }

    private static IEnumerable<string> Names(DatasetColumn column)
    {
        if (column.Selection == ColumnSelection.One) return [column.Column];
        var range = ColumnNames.ParseRange(column.Column, out _);
        return range is null || range.Count > ExpandedAtMost ? [] : Enumerable.Range(0, range.Count).Select(range.Name);
    }

    private static string Describe(DatasetColumn column) => column.Selection switch
    {
        ColumnSelection.Range => $"Columns \"{column.Column}\"",
        ColumnSelection.Pattern => $"ColumnPattern \"{column.Column}\"",
        ColumnSelection.Positions => $"Index {column.Index} to {column.Index + column.Count - 1}",
        _ => "",
    };

    /// <summary>Where a property's column choice is written: the named argument, else its [Feature] or [Label], else its type.</summary>
    public static Location? Where(AttributeData? attribute, string? argument, Location? fallback, CancellationToken cancellation)
    {
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(cancellation) is not AttributeSyntax syntax) return fallback;
        if (argument is { Length: > 0 } && syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == argument) is { } written) return written.GetLocation();
        return argument is null ? fallback : syntax.GetLocation();
    }
}

/// <summary>What the column checks of one <c>[CsvDataset]</c> record share: its name, whether it has a header, and the problems found.</summary>
internal sealed class DatasetContext(string typeName, bool header, List<DatasetProblem> problems, CancellationToken cancellation)
{
    public string TypeName { get; } = typeName;
    public bool Header { get; } = header;
    public List<DatasetProblem> Problems { get; } = problems;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>
    /// A SCULPT0016 problem of property <paramref name="property"/>, at <paramref name="argument"/>
    /// of <paramref name="attribute"/> ("" for the attribute itself, null for <paramref name="fallback"/>).
    /// </summary>
    public void Column(string property, string message, AttributeData? attribute, string? argument, Location? fallback) =>
        Problems.Add(new(message, FeatureColumns.Where(attribute, argument, fallback, Cancellation), Property: property));
}
