namespace Sculpt.Generators.Model;

/// <summary>A <c>[HyperParameters]</c> record: every public settable property, its own and inherited ones.</summary>
/// <param name="HidesBase">A base record is itself <c>[HyperParameters]</c>, so the generated members hide its ones (<c>new</c>).</param>
internal sealed record HyperParametersSpec(TypeTarget Target, EquatableArray<HyperParameterProperty> Properties, bool HidesBase);

/// <summary>The value types a hyperparameter may have.</summary>
internal enum ValueKind
{
    Int32,
    Int64,
    Double,
    Single,
    Boolean,
    String,
    Enum,
}

/// <summary>One hyperparameter: property, flag (<c>--learning-rate</c>), JSON name, type, optional inclusive range and its <c>--help</c> line.</summary>
/// <param name="Description">One line for <c>--help</c> (see <c>Parsing/HelpDescriptions</c>); empty when the declaration says nothing.</param>
internal sealed record HyperParameterProperty(
    string Name,
    string Flag,
    string JsonName,
    ValueKind Kind,
    string TypeName,
    string DisplayType,
    bool HasRange,
    double Minimum,
    double Maximum,
    string Description)
{
    /// <summary>C# building its <c>Sculpt.Search.SearchDimension</c> when a valid <c>[SearchRange]</c> or <c>[SearchChoice]</c> declares one; else null.</summary>
    public string? Search { get; init; }
}
