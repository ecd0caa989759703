using System;
using System.Collections.Generic;
using System.Linq;

namespace Sculpt.Models;

/// <summary>
/// Parts of a model named as its state dict names them: a layer (<c>Classify</c>), a sub-model (<c>Stage2</c>), or any
/// prefix of dotted names (<c>features.3</c>). A tensor belongs to a component when its name is the component's or
/// continues it after a dot, so <c>Hidden1</c> holds <c>Hidden1.weight</c> but not <c>Hidden10.weight</c>.
/// </summary>
public static class ComponentNames
{
    /// <summary>The components of a comma-separated list (<c>--freeze Hidden1,Hidden2</c>), blanks dropped.</summary>
    public static IReadOnlyList<string> Parse(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The components of a list of settings (<c>--learning-rates Body=1e-4,Head=1e-3</c>) with their values; null with the
    /// entry that does not read as <c>name=number</c>, the number 0 or more.
    /// </summary>
    public static IReadOnlyList<(string Component, double Value)>? ParseValues(string? list, out string? bad)
    {
        var result = new List<(string, double)>();
        bad = null;
        foreach (var entry in Parse(list))
        {
            int equals = entry.IndexOf('=');
            if (equals <= 0 || !double.TryParse(entry[(equals + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value)
                || !double.IsFinite(value) || value < 0)
            {
                bad = entry;
                return null;
            }
            result.Add((entry[..equals].Trim(), value));
        }
        return result;
    }

    /// <summary>The value of the last component of <paramref name="settings"/> that holds <paramref name="name"/>, or null.</summary>
    public static double? ValueFor(string name, IReadOnlyList<(string Component, double Value)> settings)
    {
        double? found = null;
        foreach (var (component, value) in settings)
        {
            if (Within(name, [component])) found = value;
        }
        return found;
    }

    /// <summary>Whether the tensor <paramref name="name"/> belongs to one of <paramref name="components"/>.</summary>
    public static bool Within(string name, IEnumerable<string> components) =>
        components.Any(c => name == c || name.Length > c.Length && name.StartsWith(c, StringComparison.Ordinal) && name[c.Length] == '.');

    /// <summary>The first of <paramref name="components"/> (quoted) that holds none of <paramref name="names"/>, or null.</summary>
    public static string? Unknown(IEnumerable<string> names, IEnumerable<string> components)
    {
        var all = names.ToList();
        return components.FirstOrDefault(c => !all.Any(n => Within(n, [c]))) is { } unknown ? $"'{unknown}'" : null;
    }

    /// <summary>The top-level components of <paramref name="names"/>, for a message: <c>Hidden1, Hidden2, Classify</c>.</summary>
    public static string Describe(IEnumerable<string> names) =>
        string.Join(", ", names.Select(n => n.Split('.')[0]).Distinct());
}
