using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sculpt.Search;

/// <summary>How a searched hyperparameter's values are drawn.</summary>
public enum SearchKind
{
    /// <summary>Any value in [low, high] (a step apart where one is set; whole numbers for an integer).</summary>
    Range,

    /// <summary>One of listed values.</summary>
    Choice,
}

/// <summary>
/// One searched hyperparameter, as its <c>[SearchRange]</c> or <c>[SearchChoice]</c> declares it. Values are held as the text
/// its flag takes (<c>--hidden 128</c>), so a trial's configuration is bound like a command line.
/// </summary>
public sealed record SearchDimension(string Flag, SearchKind Kind, double Low, double High, bool Log, double Step, bool Integer, IReadOnlyList<string> Choices)
{
    /// <summary>Points per range in a grid search when the range sets no step (spaced on the log scale for a log range).</summary>
    public const int GridPointsPerRange = 5;

    public static SearchDimension Range(string flag, double low, double high, bool log = false, double step = 0, bool integer = false) =>
        new(flag, SearchKind.Range, low, high, log, step, integer, []);

    public static SearchDimension Choice(string flag, params string[] choices) => new(flag, SearchKind.Choice, 0, 0, false, 0, false, choices);

    /// <summary>
    /// The searched choice this one depends on and the value it must have (<c>When = "Optimizer == Sgd"</c>: momentum is
    /// searched only for SGD); null when it is always searched. Where the condition fails, the hyperparameter keeps the
    /// base configuration's value and the trial does not name it.
    /// </summary>
    public (string Flag, string Value)? Condition { get; init; }

    /// <summary>This dimension, searched only when <paramref name="flag"/> is <paramref name="value"/>.</summary>
    public SearchDimension When(string flag, string value) => this with { Condition = (flag, value) };

    /// <summary>Whether it takes part in a configuration whose other values are <paramref name="chosen"/>.</summary>
    public bool Active(IReadOnlyDictionary<string, string> chosen) =>
        Condition is not { } condition || chosen.TryGetValue(condition.Flag, out var value) && string.Equals(value, condition.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>The dims in an order where each comes after the one its condition reads, so a sampler can decide it in turn.</summary>
    public static IReadOnlyList<SearchDimension> InConditionOrder(IReadOnlyList<SearchDimension> space) =>
        space.Where(d => d.Condition is null).Concat(space.Where(d => d.Condition is not null)).ToList();

    /// <summary>A range as the sampler sees it: the logarithm for a log range.</summary>
    internal double ToInternal(double value) => Log ? Math.Log(value) : value;

    internal double FromInternal(double value) => Log ? Math.Exp(value) : value;

    internal double InternalLow => ToInternal(Low);

    internal double InternalHigh => ToInternal(High);

    /// <summary>A sampled range value made legal: inside the bounds, on the step, whole for an integer.</summary>
    internal double Snap(double value)
    {
        value = Math.Clamp(value, Low, High);
        if (Step > 0) value = Math.Min(Low + Math.Round((value - Low) / Step) * Step, High);
        if (Integer) value = Math.Round(value);
        return value;
    }

    /// <summary>The text the flag takes for a range value.</summary>
    /// <remarks>Four significant digits: a rate of 0.000790 reads as such, and no search needs a finer difference.</remarks>
    public string Format(double value) =>
        Integer ? ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture) : value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>A range value read back from its text; for a choice, its index.</summary>
    public double Numeric(string text) =>
        Kind == SearchKind.Choice ? IndexOf(text) : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private int IndexOf(string text)
    {
        for (int i = 0; i < Choices.Count; i++)
        {
            if (string.Equals(Choices[i], text, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    /// <summary>The values a grid search visits, in order.</summary>
    public IReadOnlyList<string> GridValues()
    {
        if (Kind == SearchKind.Choice) return Choices;
        if (Step > 0 || Integer)
        {
            double step = Step > 0 ? Step : 1;
            long count = (long)Math.Floor((High - Low) / step + 1e-9) + 1;
            if (count <= 64) return Enumerable.Range(0, (int)count).Select(i => Format(Snap(Low + i * step))).Distinct().ToList();
        }
        return Enumerable.Range(0, GridPointsPerRange)
            .Select(i => Format(Snap(FromInternal(InternalLow + (InternalHigh - InternalLow) * i / (GridPointsPerRange - 1)))))
            .Distinct().ToList();
    }

    /// <summary>How the space is declared, for <c>search.md</c> and for telling one study's space from another's.</summary>
    public string Describe() => (Kind == SearchKind.Choice
        ? $"{Flag} in {{{string.Join(", ", Choices)}}}"
        : $"{Flag} in [{Exact(Low)}, {Exact(High)}]{(Log ? " log" : "")}{(Step > 0 ? $" step {Exact(Step)}" : "")}")
        + (Condition is { } condition ? $" when {condition.Flag} {condition.Value}" : "");

    private static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
