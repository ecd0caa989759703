namespace Sculpt;

/// <summary>
/// A hyperparameter searched over a range: <c>[SearchRange(1e-5, 1e-2, Log = true)]</c> on <c>LearningRate</c>. On a
/// <c>[HyperParameters]</c> record itself, <see cref="Property"/> names an inherited one:
/// <c>[SearchRange(1e-4, 1e-1, Log = true, Property = nameof(LearningRate))]</c>. See docs/search.md.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Property | System.AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public sealed class SearchRangeAttribute(double low, double high) : System.Attribute
{
    public double Low { get; } = low;
    public double High { get; } = high;

    /// <summary>Sample the logarithm uniformly (rates, decays): each decade is as likely as the next.</summary>
    public bool Log { get; set; }

    /// <summary>Values a step apart from <see cref="Low"/> (<c>Step = 32</c> for widths); 0 for any value (whole numbers for an integer).</summary>
    public double Step { get; set; }

    /// <summary>On a record: the hyperparameter this range is for (an inherited one, by <c>nameof</c>).</summary>
    public string? Property { get; set; }

    /// <summary>Searched only when another searched choice has one value: <c>When = "Optimizer == Sgd"</c>.</summary>
    public string? When { get; set; }
}

/// <summary>
/// A hyperparameter searched over listed values: <c>[SearchChoice(64, 128, 256)]</c>, <c>[SearchChoice(Optimizer.AdamW,
/// Optimizer.Sgd)]</c>. On a record, <see cref="Property"/> names an inherited one.
/// </summary>
[System.AttributeUsage(System.AttributeTargets.Property | System.AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public sealed class SearchChoiceAttribute(params object[] values) : System.Attribute
{
    public object[] Values { get; } = values;

    /// <summary>On a record: the hyperparameter these values are for (an inherited one, by <c>nameof</c>).</summary>
    public string? Property { get; set; }

    /// <summary>Searched only when another searched choice has one value: <c>When = "Optimizer == Sgd"</c>.</summary>
    public string? When { get; set; }
}
