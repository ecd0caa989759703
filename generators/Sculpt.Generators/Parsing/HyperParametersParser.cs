using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Parsing;

/// <summary>Turns a <c>[HyperParameters]</c> record into a <see cref="HyperParametersSpec"/>.</summary>
internal static class HyperParametersParser
{
    public static HyperParametersSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || DeclarationRules.HyperParametersProblem(type) is not null
            || !DeclarationRules.IsFirstAttributedDeclaration(context, KnownTypes.HyperParametersAttribute)) return null;
        cancellation.ThrowIfCancellationRequested();
        var properties = new List<HyperParameterProperty>();
        var searched = SearchDeclarations.Of(type).Where(d => d.Dimension is not null).GroupBy(d => d.PropertyName).ToDictionary(g => g.Key, g => g.First().Dimension);
        foreach (var property in Properties(type))
        {
            var kind = KindOf(property.Type);
            if (kind is null) continue;
            var range = RangeOf(property);
            properties.Add(new HyperParameterProperty(
                property.Name,
                "--" + Names.KebabCase(property.Name),
                Names.CamelCase(property.Name),
                kind.Value,
                property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                DisplayType(kind.Value, property.Type),
                range is not null,
                range?.Minimum ?? 0,
                range?.Maximum ?? 0,
                HelpDescriptions.Of(property, cancellation)) { Search = searched.TryGetValue(property.Name, out var dimension) ? dimension : null });
        }
        bool hidesBase = false;
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            hidesBase |= current.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.HyperParametersAttribute);
        }
        return new HyperParametersSpec(TypeTargetParser.Parse(type), properties.ToEquatableArray(), hidesBase);
    }

    /// <summary>Public instance properties with a public setter or init, base types' first, each name once.</summary>
    public static IEnumerable<IPropertySymbol> Properties(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            chain.Insert(0, current);
        }
        var seen = new Dictionary<string, int>();
        var result = new List<IPropertySymbol>();
        foreach (var declaring in chain)
        {
            foreach (var property in declaring.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public) continue;
                if (property.SetMethod is not { DeclaredAccessibility: Accessibility.Public }) continue;
                if (seen.TryGetValue(property.Name, out int index))
                {
                    result[index] = property; // an override keeps the base's position
                }
                else
                {
                    seen[property.Name] = result.Count;
                    result.Add(property);
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Integer properties computed from the others (<c>public int FeedForward => Dim * 4;</c>): sizes a
    /// layer may take, never flags or JSON. Public, instance and get-only.
    /// </summary>
    public static IEnumerable<IPropertySymbol> ComputedSizes(INamedTypeSymbol type)
    {
        var settable = new HashSet<string>(Properties(type).Select(p => p.Name));
        var seen = new HashSet<string>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public || property.SetMethod is not null) continue;
                if (KindOf(property.Type) is not (ValueKind.Int32 or ValueKind.Int64) || settable.Contains(property.Name) || !seen.Add(property.Name)) continue;
                yield return property;
            }
        }
    }

    public static ValueKind? KindOf(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Int32 => ValueKind.Int32,
        SpecialType.System_Int64 => ValueKind.Int64,
        SpecialType.System_Double => ValueKind.Double,
        SpecialType.System_Single => ValueKind.Single,
        SpecialType.System_Boolean => ValueKind.Boolean,
        SpecialType.System_String => ValueKind.String,
        _ => type.TypeKind == TypeKind.Enum ? ValueKind.Enum : null,
    };

    private static string DisplayType(ValueKind kind, ITypeSymbol type) => kind switch
    {
        ValueKind.Int32 => "int",
        ValueKind.Int64 => "long",
        ValueKind.Double => "double",
        ValueKind.Single => "float",
        ValueKind.Boolean => "bool",
        ValueKind.String => "string",
        _ => type.Name,
    };

    /// <summary>The inclusive <c>[Range]</c> of a property, its own or one it overrides.</summary>
    public static (double Minimum, double Maximum)? RangeOf(IPropertySymbol property)
    {
        for (var current = property; current is not null; current = current.OverriddenProperty)
        {
            foreach (var attribute in current.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == KnownTypes.RangeAttribute
                    && attribute.ConstructorArguments.Length == 2
                    && AsDouble(attribute.ConstructorArguments[0].Value) is { } min
                    && AsDouble(attribute.ConstructorArguments[1].Value) is { } max)
                {
                    return (min, max);
                }
            }
        }
        return null;
    }

    public static double? AsDouble(object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        _ => null,
    };
}
