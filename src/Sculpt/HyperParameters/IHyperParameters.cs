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

    /// <summary>The values as indented JSON with camelCase names.</summary>
    string ToJson();

    /// <summary>Every range violation, each naming its flag; empty when valid.</summary>
    IReadOnlyList<string> ValidationErrors();
}

/// <summary>One option of a hyperparameter record, for <c>--help</c>.</summary>
public sealed record HyperParameterInfo(string Flag, string Property, string Type, string Default, double? Minimum, double? Maximum)
{
    /// <summary>The allowed range as text, e.g. <c>[0, 0.9]</c>, or empty.</summary>
    public string RangeText => Minimum is { } min && Maximum is { } max
        ? $"[{ValueText.Format(min)}, {ValueText.Format(max)}]"
        : "";
}
