using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sculpt.Generators.Emit;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// A <c>[SearchRange]</c> or <c>[SearchChoice]</c> of a hyperparameter record, on a property or on the record with
/// <c>Property = nameof(...)</c>: the C# that builds its <c>Sculpt.Search.SearchDimension</c>, or why it cannot be searched.
/// </summary>
internal sealed record SearchDeclaration(string PropertyName, AttributeData Attribute, string? Dimension, string? Problem)
{
    /// <summary>For an integer hyperparameter, the sizes a search may give it (a choice's, or a range's up to 64); else empty.</summary>
    public IReadOnlyList<long> Sizes { get; init; } = [];

    /// <summary>For a choice, its values as the flag takes them.</summary>
    public IReadOnlyList<string> Texts { get; init; } = [];
}

internal static class SearchDeclarations
{
    /// <summary>Every search declaration of <paramref name="type"/> and its bases, each checked against the property it names.</summary>
    public static IReadOnlyList<SearchDeclaration> Of(INamedTypeSymbol type)
    {
        var properties = HyperParametersParser.Properties(type).ToDictionary(p => p.Name);
        var found = new List<SearchDeclaration>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var attribute in current.GetAttributes().Where(IsSearch))
            {
                string? named = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Property").Value.Value as string;
                found.Add(named is null
                    ? new SearchDeclaration("", attribute, null, $"a search declared on the record names no hyperparameter: add Property = nameof(...)")
                    : !properties.TryGetValue(named, out var property) ? new SearchDeclaration(named, attribute, null, $"'{named}' is not a settable hyperparameter of {type.Name}")
                    : Check(property, attribute));
            }
        }
        foreach (var property in properties.Values)
        {
            for (var declared = property; declared is not null; declared = declared.OverriddenProperty)
            {
                foreach (var attribute in declared.GetAttributes().Where(IsSearch))
                {
                    found.Add(attribute.NamedArguments.Any(a => a.Key == "Property" && a.Value.Value is string other && other != property.Name)
                        ? new SearchDeclaration(property.Name, attribute, null, "Property names another hyperparameter; on a property, a search is for that property")
                        : Check(property, attribute));
                }
            }
        }
        // One way to vary each hyperparameter: a second declaration is a mistake, not a union.
        var seen = new HashSet<string>();
        found = found.Select(d => d.Problem is null && !seen.Add(d.PropertyName)
            ? d with { Dimension = null, Problem = $"'{d.PropertyName}' is searched twice; keep one [SearchRange] or [SearchChoice]" }
            : d).ToList();
        return found.Select(d => d.Problem is null ? Conditioned(d, found) : d).ToList();
    }

    /// <summary>
    /// A declaration's <c>When = "Optimizer == Sgd"</c>: it must name another hyperparameter searched by a choice, and one
    /// of its values; the dimension then carries the condition.
    /// </summary>
    private static SearchDeclaration Conditioned(SearchDeclaration declaration, IReadOnlyList<SearchDeclaration> all)
    {
        if (declaration.Attribute.NamedArguments.FirstOrDefault(a => a.Key == "When").Value.Value is not string when) return declaration;
        SearchDeclaration Problem(string text) => declaration with { Dimension = null, Problem = text };
        var parts = when.Split(new[] { "==" }, System.StringSplitOptions.None);
        if (parts.Length != 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0) return Problem($"When = \"{when}\" is not 'Name == Value'");
        string name = parts[0].Trim(), value = parts[1].Trim();
        if (name == declaration.PropertyName) return Problem("a hyperparameter's search cannot depend on itself");
        var parent = all.FirstOrDefault(d => d.PropertyName == name && d.Problem is null);
        if (parent is null || parent.Attribute.AttributeClass?.ToDisplayString() != KnownTypes.SearchChoiceAttribute)
            return Problem($"When names '{name}', which is not a hyperparameter searched with [SearchChoice]");
        if (parent.Attribute.NamedArguments.Any(a => a.Key == "When")) return Problem($"When names '{name}', whose own search has a condition; one level of conditions is supported");
        var choices = parent.Texts;
        string? matched = choices.FirstOrDefault(c => string.Equals(c, value, System.StringComparison.OrdinalIgnoreCase));
        if (matched is null) return Problem($"'{value}' is not one of the values searched for '{name}' ({string.Join(", ", choices)})");
        return declaration with { Dimension = $"{declaration.Dimension}.When({SourceWriter.Quote("--" + Names.KebabCase(name))}, {SourceWriter.Quote(matched)})" };
    }

    private static bool IsSearch(AttributeData attribute) =>
        attribute.AttributeClass?.ToDisplayString() is KnownTypes.SearchRangeAttribute or KnownTypes.SearchChoiceAttribute;

    private static SearchDeclaration Check(IPropertySymbol property, AttributeData attribute)
    {
        string flag = "--" + Names.KebabCase(property.Name);
        var kind = HyperParametersParser.KindOf(property.Type);
        SearchDeclaration Problem(string text) => new(property.Name, attribute, null, text);
        if (attribute.AttributeClass?.ToDisplayString() == KnownTypes.SearchRangeAttribute)
        {
            bool integer = kind is ValueKind.Int32 or ValueKind.Int64;
            if (!integer && kind is not (ValueKind.Double or ValueKind.Single)) return Problem($"a range needs a number; '{property.Name}' is {property.Type.ToDisplayString()}: list its values with [SearchChoice]");
            if (attribute.ConstructorArguments.Length != 2 || HyperParametersParser.AsDouble(attribute.ConstructorArguments[0].Value) is not { } low
                || HyperParametersParser.AsDouble(attribute.ConstructorArguments[1].Value) is not { } high) return Problem("a range takes two numbers, low and high");
            bool log = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Log").Value.Value is true;
            double step = HyperParametersParser.AsDouble(attribute.NamedArguments.FirstOrDefault(a => a.Key == "Step").Value.Value) ?? 0;
            if (!(low < high)) return Problem($"the range [{Text(low)}, {Text(high)}] is empty: low must be below high");
            if (log && low <= 0) return Problem($"a log range must start above 0; it starts at {Text(low)}");
            if (step < 0 || step > high - low) return Problem($"Step {Text(step)} must be above 0 and at most the range's width {Text(high - low)}");
            if (log && step > 0) return Problem("a log range takes no Step: its values are spread by ratio, not by difference");
            if (integer && (low % 1 != 0 || high % 1 != 0 || step % 1 != 0)) return Problem($"'{property.Name}' is an integer: low, high and Step must be whole numbers");
            if (HyperParametersParser.RangeOf(property) is { } allowed && (low < allowed.Minimum || high > allowed.Maximum))
                return Problem($"the range [{Text(low)}, {Text(high)}] leaves the property's [Range({Text(allowed.Minimum)}, {Text(allowed.Maximum)})]");
            long every = step > 0 ? (long)step : 1;
            return new SearchDeclaration(property.Name, attribute,
                $"global::Sculpt.Search.SearchDimension.Range({SourceWriter.Quote(flag)}, {SourceWriter.Literal(low)}, {SourceWriter.Literal(high)}, log: {(log ? "true" : "false")}, step: {SourceWriter.Literal(step)}, integer: {(integer ? "true" : "false")})",
                null)
            {
                Sizes = integer && !log && (high - low) / every < 64 ? Enumerable.Range(0, (int)((high - low) / every) + 1).Select(i => (long)low + i * every).ToList() : [],
            };
        }
        var values = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array
            ? attribute.ConstructorArguments[0].Values
            : attribute.ConstructorArguments;
        if (values.Length == 0) return Problem("a choice needs at least one value");
        var texts = new List<string>();
        foreach (var value in values)
        {
            if (ChoiceText(property.Type, kind, value) is not { } text)
                return Problem($"{Shown(value)} is no value of '{property.Name}' ({property.Type.ToDisplayString()})");
            if (HyperParametersParser.RangeOf(property) is { } allowed && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                && (number < allowed.Minimum || number > allowed.Maximum))
                return Problem($"{text} leaves the property's [Range({Text(allowed.Minimum)}, {Text(allowed.Maximum)})]");
            if (texts.Contains(text)) return Problem($"{text} is listed twice");
            texts.Add(text);
        }
        return new SearchDeclaration(property.Name, attribute,
            $"global::Sculpt.Search.SearchDimension.Choice({SourceWriter.Quote(flag)}, {string.Join(", ", texts.Select(SourceWriter.Quote))})", null)
        {
            Sizes = kind is ValueKind.Int32 or ValueKind.Int64 ? texts.Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToList() : [],
            Texts = texts,
        };
    }

    /// <summary>A listed value as the flag takes it, or null when it does not fit the property's type.</summary>
    private static string? ChoiceText(ITypeSymbol type, ValueKind? kind, TypedConstant value)
    {
        if (value.Kind == TypedConstantKind.Array || value.Value is null) return null;
        // An enum member is no number, whatever its value.
        if (kind != ValueKind.Enum && value.Kind == TypedConstantKind.Enum) return null;
        switch (kind)
        {
            case ValueKind.Int32 or ValueKind.Int64:
                return value.Value is int or long or short or byte ? System.Convert.ToInt64(value.Value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : null;
            case ValueKind.Double or ValueKind.Single:
                return HyperParametersParser.AsDouble(value.Value) is { } d ? d.ToString("R", CultureInfo.InvariantCulture) : null;
            case ValueKind.Boolean:
                return value.Value is bool b ? (b ? "true" : "false") : null;
            case ValueKind.String:
                return value.Value as string;
            case ValueKind.Enum:
                if (!SymbolEqualityComparer.Default.Equals(value.Type, type)) return null;
                return type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value.Value))?.Name;
            default:
                return null;
        }
    }

    private static string Shown(TypedConstant value) => value.Kind == TypedConstantKind.Array ? "an array" : value.Value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        _ => System.Convert.ToString(value.Value, CultureInfo.InvariantCulture) ?? "?",
    };

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
