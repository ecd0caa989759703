using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

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

    private readonly HashSet<string> _computed = new();

    /// <summary>A computed size's expression as written (<c>(Kernel - 1) / 2</c>), where it is one expression.</summary>
    private readonly Dictionary<string, string> _expressions = new();

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
        var computed = HyperParametersParser.ComputedSizes(config).ToList();
        foreach (var property in computed)
        {
            sizes.Add(property.Name);
            sizes._computed.Add(property.Name);
            if (ComputedExpression(property) is { } expression) sizes._expressions[property.Name] = expression.ToString();
        }
        if (withDefaults)
        {
            // A computed size's default follows from the others' (Dim * 4 with Dim = 64); in declaration
            // order, each pass may resolve one that names another computed size.
            for (int pass = 0; pass < computed.Count; pass++)
            {
                foreach (var property in computed)
                {
                    if (!sizes._defaults.ContainsKey(property.Name) && ComputedDefault(property, sizes._defaults) is { } value) sizes._defaults[property.Name] = value;
                }
            }
        }
        return sizes;
    }

    /// <summary>The declared default of <paramref name="name"/>, or null when it is not a literal.</summary>
    public long? Default(string name) => _defaults.TryGetValue(name, out long value) ? value : null;

    /// <summary>Whether <paramref name="name"/> is computed from the other hyperparameters (it has no flag).</summary>
    public bool IsComputed(string name) => _computed.Contains(name);

    /// <summary>
    /// What a computed size stands for over the other sizes (<c>Padding =&gt; (Kernel - 1) / 2</c>), so a block instance can
    /// work it out from its own sizes; null when it is not arithmetic of sizes (a condition, a call).
    /// </summary>
    public Dim? ComputedDim(string name) => _expressions.TryGetValue(name, out var text) ? Expression(text) : null;

    /// <summary>
    /// <paramref name="dim"/> with each computed size replaced by what it is computed as, a few levels deep (a computed
    /// size made of another); one that is no arithmetic of sizes stays as it is.
    /// </summary>
    public Dim Expand(Dim dim, int depth = 0) => depth > 4 ? dim : dim.Rewrite(d =>
        d.Kind == DimKind.HyperParameter && IsComputed(d.Name) && ComputedDim(d.Name) is { } computed ? Expand(computed, depth + 1) : d);

    /// <summary><paramref name="layer"/> with its hyperparameter sizes and settings carrying their defaults, and its size expressions read.</summary>
    public LayerSpec WithDefaults(LayerSpec layer) =>
        layer with
        {
            Arguments = layer.Arguments.Select(a => !a.IsHyperParameter ? a
                : SizeExpression.IsExpression(a.HyperParameter!) ? (Expression(a.HyperParameter!) is { } size ? a with { Size = size } : a)
                : Default(a.HyperParameter!) is { } value ? a with { Default = value }
                : a).ToEquatableArray(),
            Options = layer.Options.Select(o => o.HyperParameter is { } name && Default(name) is { } value ? o with { Default = value } : o).ToEquatableArray(),
        };

    /// <summary>
    /// The dim a size expression over these hyperparameters stands for (<c>Dim * 4</c>), each name carrying
    /// its default where known; null when the text is not one (a name that is no integer hyperparameter, a syntax error).
    /// </summary>
    public Dim? Expression(string text) =>
        SizeExpression.Parse(text, name => Contains(name) ? Dim.HyperParameter(name, Default(name)) : null).Dim;

    /// <summary>The value of <c>=&gt; Dim * 4</c> (literals and other sizes under + - * /, exact division only), or null.</summary>
    private static long? ComputedDefault(IPropertySymbol property, IReadOnlyDictionary<string, long> known) =>
        ComputedExpression(property) is { } expression ? Evaluate(expression, known) : null;

    private static ExpressionSyntax? ComputedExpression(IPropertySymbol property) => property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() switch
    {
        PropertyDeclarationSyntax { ExpressionBody.Expression: var arrow } => arrow,
        PropertyDeclarationSyntax { AccessorList.Accessors: [{ ExpressionBody.Expression: var getter }] } => getter,
        _ => null,
    };

    private static long? Evaluate(ExpressionSyntax expression, IReadOnlyDictionary<string, long> known)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax inner:
                return Evaluate(inner.Expression, known);
            case LiteralExpressionSyntax { Token.Value: int or long } literal:
                return System.Convert.ToInt64(literal.Token.Value, System.Globalization.CultureInfo.InvariantCulture);
            case IdentifierNameSyntax name:
                return known.TryGetValue(name.Identifier.ValueText, out long value) ? value : null;
            case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member }:
                return known.TryGetValue(member.Identifier.ValueText, out long field) ? field : null;
            case BinaryExpressionSyntax binary when Evaluate(binary.Left, known) is { } left && Evaluate(binary.Right, known) is { } right:
                try
                {
                    return binary.OperatorToken.Text switch
                    {
                        "+" => checked(left + right),
                        "-" => checked(left - right),
                        "*" => checked(left * right),
                        "/" when right != 0 && left % right == 0 => left / right,
                        _ => null,
                    };
                }
                catch (System.OverflowException)
                {
                    return null;
                }
            default:
                return null;
        }
    }

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
