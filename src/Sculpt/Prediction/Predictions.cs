using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Sculpt.Prediction;

/// <summary>
/// What a model said about each row: for a classifier, the class of each row and the probability of every class;
/// for a regression, the predicted targets. <see cref="Outputs"/> has one array per row.
/// </summary>
/// <param name="Names">The classes (a classifier) or the targets (a regression), in output order.</param>
/// <param name="Outputs">Per row: class probabilities, or target values.</param>
/// <param name="Classes">Per row: the most probable class's index; null for a regression.</param>
public sealed record Predictions(IReadOnlyList<string> Names, float[][] Outputs, int[]? Classes)
{
    /// <summary>Rows predicted.</summary>
    public int Count => Outputs.Length;

    /// <summary>The file each row came from (an image predictor's input), in row order; null when the rows were a table's.</summary>
    public IReadOnlyList<string>? Files { get; init; }

    /// <summary>The predicted class name of <paramref name="row"/>.</summary>
    public string ClassOf(int row) => Classes is { } classes ? Names[classes[row]] : throw new InvalidOperationException("A regression predicts values, not classes.");

    /// <summary>
    /// The predictions as CSV: <c>row</c> (1-based, in the order the rows were read) or, when rows came from files,
    /// <c>file</c>, then for a classifier
    /// <c>prediction</c> and <c>p_CLASS</c> for every class, for a regression one column per target.
    /// </summary>
    public void WriteCsv(TextWriter writer)
    {
        var header = new List<string> { Files is null ? "row" : "file" };
        if (Classes is not null) header.Add("prediction");
        header.AddRange(Names.Select(n => Classes is not null ? "p_" + n : n));
        writer.WriteLine(string.Join(",", header.Select(Quoted)));
        var line = new StringBuilder();
        for (int row = 0; row < Outputs.Length; row++)
        {
            line.Clear().Append(Files is null ? (row + 1).ToString(CultureInfo.InvariantCulture) : Quoted(Files[row]));
            if (Classes is not null) line.Append(',').Append(Quoted(Names[Classes[row]]));
            foreach (float value in Outputs[row]) line.Append(',').Append(value.ToString("R", CultureInfo.InvariantCulture));
            writer.WriteLine(line);
        }
    }

    private static string Quoted(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
