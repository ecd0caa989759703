using System.Collections.Generic;

namespace Sculpt.HyperParameters;

/// <summary>What the generator writes for every <see cref="HyperParametersAttribute"/> record.</summary>
public interface IHyperParameters<TSelf> where TSelf : IHyperParameters<TSelf>
{
    /// <summary>Every option: flag, property, type, default and range, in declaration order.</summary>
    static abstract IReadOnlyList<HyperParameterInfo> Options { get; }

    /// <summary>Applies <c>--flag value</c> pairs over <paramref name="start"/>.</summary>
    /// <exception cref="HyperParameterException">An unknown flag or a value that does not parse.</exception>
    static abstract TSelf Bind(TSelf start, IReadOnlyList<string> args);

    /// <summary>Reads the JSON written by <see cref="ToJson"/>; <paramref name="source"/> names the file in errors.</summary>
    static abstract TSelf FromJson(string json, string source);

    /// <summary>Reads the JSON written by <see cref="ToJson"/> over <paramref name="start"/>: properties it leaves out keep their values there.</summary>
    static abstract TSelf BindJson(TSelf start, string json, string source);

    /// <summary>The values as indented JSON with camelCase names.</summary>
    string ToJson();

    /// <summary>Every range violation, each naming its flag; empty when valid.</summary>
    IReadOnlyList<string> ValidationErrors();
}

/// <summary>One option of a hyperparameter record, for <c>--help</c>.</summary>
/// <param name="Flag">The flag, e.g. <c>--learning-rate</c>.</param>
/// <param name="Property">The property it sets.</param>
/// <param name="Type">The value's type as <c>--help</c> names it: <c>int</c>, <c>double</c>, <c>bool</c>, <c>string</c> or the enum's name.</param>
/// <param name="Default">The default value as text (read from a fresh instance).</param>
/// <param name="Minimum">The inclusive lower bound of a <c>[Range]</c>, or null.</param>
/// <param name="Maximum">The inclusive upper bound of a <c>[Range]</c>, or null.</param>
/// <param name="Description">
/// One line on what the option does: the <c>[Description]</c> of the property, else its XML doc
/// comment's <c>&lt;summary&gt;</c>, else those of the property it overrides; empty when none says.
/// </param>
/// <param name="Values">The names an enum option accepts, in declaration order; null for other types.</param>
public sealed record HyperParameterInfo(
    string Flag, string Property, string Type, string Default, double? Minimum, double? Maximum, string Description = "", IReadOnlyList<string>? Values = null)
{
    /// <summary>How a hyperparameter search varies this option (its <c>[SearchRange]</c> or <c>[SearchChoice]</c>); null when it is not searched.</summary>
    public Search.SearchDimension? Search { get; init; }

    /// <summary>The allowed range as text, e.g. <c>[0, 0.9]</c>, or empty.</summary>
    public string RangeText => Minimum is { } min && Maximum is { } max
        ? $"[{ValueText.Format(min)}, {ValueText.Format(max)}]"
        : "";

    /// <summary>The flag with what it takes, as <c>--help</c> shows it: <c>--hidden int</c>, <c>--restore-best [true|false]</c>, <c>--schedule Constant|WarmupCosine|...</c>.</summary>
    public string Usage => Flag + " " + (Values is { Count: > 0 } names ? string.Join("|", names) : Type == "bool" ? "[true|false]" : Type);

    /// <summary>The default as <c>--help</c> shows it: strings quoted, so an empty default is visible.</summary>
    public string DefaultText => Type == "string" ? "\"" + Default + "\"" : Default;

    /// <summary>The help line: the description, then the default and the range, e.g. <c>Width of the hidden layers (default 256, in [1, 4096])</c>.</summary>
    public string Help
    {
        get
        {
            string limits = RangeText.Length > 0 ? $"default {DefaultText}, in {RangeText}" : $"default {DefaultText}";
            string said = Description.Trim();
            if (said.EndsWith('.') && !said.EndsWith("..", System.StringComparison.Ordinal)) said = said[..^1];
            return said.Length > 0 ? $"{said} ({limits})" : $"({limits})";
        }
    }
}
