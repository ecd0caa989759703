using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Model;
using Sculpt.Generators.Shapes;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// Follows shapes through a forward body, in evaluation order: parameters, locals, layer calls and
/// <c>Ops</c> calls. Anything else makes a value unknown; it never guesses.
/// </summary>
internal sealed class ForwardWalker
{
    private readonly SemanticModel _model;
    private readonly INamedTypeSymbol _type;
    private readonly Dictionary<string, LayerSpec> _layers;
    private readonly Dictionary<string, Shape?> _locals = new();
    private readonly List<SummaryRowSpec> _rows = new();
    private readonly CancellationToken _cancellation;

    private ForwardWalker(SemanticModel model, INamedTypeSymbol type, IEnumerable<LayerSpec> layers, CancellationToken cancellation)
    {
        _model = model;
        _type = type;
        _layers = layers.GroupBy(l => l.Name).ToDictionary(g => g.Key, g => g.First());
        _cancellation = cancellation;
    }

    public static IReadOnlyList<SummaryRowSpec> Walk(
        IMethodSymbol forward, SemanticModel semanticModel, INamedTypeSymbol type, IEnumerable<LayerSpec> layers,
        EquatableArray<ForwardParameter> parameters, CancellationToken cancellation)
    {
        if (forward.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is not MethodDeclarationSyntax syntax) return [];
        var model = syntax.SyntaxTree == semanticModel.SyntaxTree ? semanticModel : semanticModel.Compilation.GetSemanticModel(syntax.SyntaxTree);
        var walker = new ForwardWalker(model, type, layers, cancellation);
        foreach (var parameter in parameters) walker._locals[parameter.Name] = parameter.Shape;

        if (syntax.ExpressionBody is { } arrow) walker.Evaluate(arrow.Expression);
        else if (syntax.Body is { } body) walker.Block(body);
        return walker._rows;
    }

    private void Block(BlockSyntax block)
    {
        foreach (var statement in block.Statements)
        {
            _cancellation.ThrowIfCancellationRequested();
            switch (statement)
            {
                case LocalDeclarationStatementSyntax local:
                    foreach (var variable in local.Declaration.Variables)
                    {
                        _locals[variable.Identifier.ValueText] = variable.Initializer is { } init ? Evaluate(init.Value) : null;
                    }
                    break;
                case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax target } assignment }:
                    _locals[target.Identifier.ValueText] = Evaluate(assignment.Right);
                    break;
                case ReturnStatementSyntax { Expression: { } value }:
                    Evaluate(value);
                    return;
                default:
                    // Branches and loops: rows inside them are not in a fixed order, and what they
                    // assign is no longer known.
                    foreach (var assigned in statement.DescendantNodes().OfType<AssignmentExpressionSyntax>().Select(a => a.Left).OfType<IdentifierNameSyntax>())
                    {
                        _locals[assigned.Identifier.ValueText] = null;
                    }
                    break;
            }
        }
    }

    private Shape? Evaluate(ExpressionSyntax expression)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Evaluate(parenthesized.Expression);
            case IdentifierNameSyntax identifier:
                return _locals.TryGetValue(identifier.Identifier.ValueText, out var shape) ? shape : null;
            case InvocationExpressionSyntax invocation:
                return Invocation(invocation);
            default:
                foreach (var inner in expression.ChildNodes().OfType<ExpressionSyntax>()) Evaluate(inner);
                return null;
        }
    }

    private Shape? Invocation(InvocationExpressionSyntax invocation)
    {
        var arguments = invocation.ArgumentList.Arguments;
        var method = _model.GetSymbolInfo(invocation, _cancellation).Symbol as IMethodSymbol;
        if (method is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, _type)
            && _layers.TryGetValue(method.Name, out var layer) && arguments.Count == 1)
        {
            var output = ShapeRules.Layer(layer, Evaluate(arguments[0].Expression));
            bool first = !_rows.Any(r => r.LayerName == layer.Name);
            _rows.Add(new SummaryRowSpec(layer.Name, layer.Kind.ToString(), output, first ? layer.Name : null));
            return output;
        }
        if (method is not null && method.ContainingType?.ToDisplayString() == KnownTypes.Ops && arguments.Count >= 1)
        {
            var input = Evaluate(arguments[0].Expression);
            Shape? output;
            string kind;
            switch (method.Name)
            {
                case "Flatten":
                    kind = "Flatten";
                    output = FlattenArguments(invocation, method) is { } range ? ShapeRules.Flatten(input, range.Start, range.End) : null;
                    break;
                case "Relu":
                    kind = "ReLU";
                    output = ShapeRules.Elementwise(input);
                    break;
                case "Gelu":
                    kind = "GELU";
                    output = ShapeRules.Elementwise(input);
                    break;
                default:
                    kind = method.Name;
                    output = ShapeRules.Elementwise(input);
                    break;
            }
            _rows.Add(new SummaryRowSpec("Ops." + method.Name, kind, output, null));
            return output;
        }
        foreach (var argument in arguments) Evaluate(argument.Expression);
        return null;
    }

    /// <summary>The start and end dims of an <c>Ops.Flatten</c> call, when they are constants.</summary>
    private (long Start, long End)? FlattenArguments(InvocationExpressionSyntax invocation, IMethodSymbol method)
    {
        long start = 1, end = -1;
        var arguments = invocation.ArgumentList.Arguments;
        for (int i = 1; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            string parameter = argument.NameColon?.Name.Identifier.ValueText ?? (i < method.Parameters.Length ? method.Parameters[i].Name : "");
            var constant = _model.GetConstantValue(argument.Expression, _cancellation);
            if (!constant.HasValue || HyperParametersParser.AsDouble(constant.Value) is not { } value) return null;
            if (parameter == "startDim") start = (long)value;
            else if (parameter == "endDim") end = (long)value;
        }
        return (start, end);
    }
}
