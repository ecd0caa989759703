using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// The integer hyperparameters of a model, which may stand for dims in signatures and layer sizes,
/// with the default each one declares where it is a literal (<c>public int Hidden { get; init; } = 256;</c>).
/// The analyzer compares shapes under those defaults: a mismatch that holds with them fails as
/// declared. The generator uses the names alone, so its output never depends on another file's numbers.
/// </summary>
internal sealed class HyperParameterSizes : HashSet<string>
{
    private readonly Dictionary<string, long> _defaults = new();

    public static readonly HyperParameterSizes None = new();

    public static HyperParameterSizes Of(INamedTypeSymbol? config, bool withDefaults)
    {
        var sizes = new HyperParameterSizes();
        if (config is null) return sizes;
        foreach (var property in HyperParametersParser.Properties(config))
        {
            if (HyperParametersParser.KindOf(property.Type) is not (ValueKind.Int32 or ValueKind.Int64)) continue;
            sizes.Add(property.Name);
            if (withDefaults && LiteralDefault(property) is { } value) sizes._defaults[property.Name] = value;
        }
        return sizes;
    }

    /// <summary>The declared default of <paramref name="name"/>, or null when it is not a literal.</summary>
    public long? Default(string name) => _defaults.TryGetValue(name, out long value) ? value : null;

    /// <summary><paramref name="layer"/> with its hyperparameter sizes carrying their defaults.</summary>
    public LayerSpec WithDefaults(LayerSpec layer) =>
        _defaults.Count == 0
            ? layer
            : layer with { Arguments = layer.Arguments.Select(a => a.IsHyperParameter && Default(a.HyperParameter!) is { } value ? a with { Default = value } : a).ToEquatableArray() };

    private static long? LiteralDefault(IPropertySymbol property)
    {
        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is PropertyDeclarationSyntax { Initializer.Value: LiteralExpressionSyntax literal })
            {
                return literal.Token.Value switch
                {
                    int number when number > 0 => number,
                    long number when number > 0 => number,
                    _ => null,
                };
            }
        }
        return null;
    }
}
