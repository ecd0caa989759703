using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Parsing;

/// <summary>
/// Proves, or fails to prove, that a forward body is a plain chain: one input, and a sequence of
/// Linear layers, <c>Ops.Relu</c> calls, sub-model calls, a leading <c>Ops.Flatten(x)</c> and loops over repeated blocks, each
/// taking the previous one's result and nothing else. Only these statement forms count: a local
/// declared from the chain, an assignment of the chain to a local, a <c>foreach</c> over repeated
/// blocks whose body is <c>x = block.call(x);</c>, and a final <c>return</c>. Anything else (a
/// residual connection, a branch, any other call or statement) is not a chain, and the trainer
/// keeps using autograd for the model.
/// </summary>
internal sealed class ChainPlanner
{
    private readonly SemanticModel _model;
    private readonly INamedTypeSymbol _type;
    private readonly Dictionary<string, LayerSpec> _layers;
    private readonly CancellationToken _cancellation;
    private readonly List<ChainLink> _links = new();
    private string _current;

    private ChainPlanner(SemanticModel model, INamedTypeSymbol type, IEnumerable<LayerSpec> layers, string input, CancellationToken cancellation)
    {
        _model = model;
        _type = type;
        _layers = layers.GroupBy(l => l.Name).ToDictionary(g => g.Key, g => g.First());
        _current = input;
        _cancellation = cancellation;
    }

    /// <summary>The chain of <paramref name="forward"/>, or empty when it is not one.</summary>
    public static EquatableArray<ChainLink> Plan(IMethodSymbol forward, SemanticModel semanticModel, INamedTypeSymbol type, IEnumerable<LayerSpec> layers, CancellationToken cancellation)
    {
        if (forward.Parameters.Length != 1
            || forward.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is not MethodDeclarationSyntax syntax) return EquatableArray<ChainLink>.Empty;
        var model = syntax.SyntaxTree == semanticModel.SyntaxTree ? semanticModel : semanticModel.Compilation.GetSemanticModel(syntax.SyntaxTree);
        var planner = new ChainPlanner(model, type, layers, forward.Parameters[0].Name, cancellation);
        bool chain = syntax.ExpressionBody is { } arrow ? planner.Chain(arrow.Expression) : syntax.Body is { } body && planner.Statements(body.Statements);
        return chain && planner._links.Count > 0 ? planner._links.ToEquatableArray() : EquatableArray<ChainLink>.Empty;
    }

    private bool Statements(SyntaxList<StatementSyntax> statements)
    {
        for (int i = 0; i < statements.Count; i++)
        {
            _cancellation.ThrowIfCancellationRequested();
            bool last = i == statements.Count - 1;
            switch (statements[i])
            {
                case ReturnStatementSyntax { Expression: { } value } when last:
                    return Chain(value);
                case LocalDeclarationStatementSyntax { Declaration.Variables: [{ Initializer: { } init } variable] }:
                    if (!Chain(init.Value)) return false;
                    _current = variable.Identifier.ValueText;
                    break;
                case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax target } assignment }:
                    if (!Chain(assignment.Right)) return false;
                    _current = target.Identifier.ValueText;
                    break;
                case ForEachStatementSyntax loop when Blocks(loop) is { } repeated:
                    _links.Add(new ChainLink(ChainLinkKind.Blocks, repeated));
                    break;
                default:
                    return false;
            }
        }
        return false;
    }

    /// <summary><c>foreach (var block in Blocks) x = block.call(x);</c> over a repeated sub-model, with x the chain: the property's name.</summary>
    private string? Blocks(ForEachStatementSyntax loop)
    {
        var body = loop.Statement is BlockSyntax { Statements: [var only] } ? only : loop.Statement;
        if (_model.GetSymbolInfo(loop.Expression, _cancellation).Symbol is not IPropertySymbol property
            || !SymbolEqualityComparer.Default.Equals(property.ContainingType, _type)
            || ModelParser.RepeatOf(property) is null
            || body is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax target, Right: InvocationExpressionSyntax call } }
            || target.Identifier.ValueText != _current
            || call.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "call" or "forward", Expression: IdentifierNameSyntax block }
            || block.Identifier.ValueText != loop.Identifier.ValueText
            || call.ArgumentList.Arguments is not [{ Expression: IdentifierNameSyntax argument }]
            || argument.Identifier.ValueText != _current)
        {
            return null;
        }
        return property.Name;
    }

    /// <summary>Appends the links of <paramref name="expression"/>, which must reach the current chain value and nothing else.</summary>
    private bool Chain(ExpressionSyntax expression)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Chain(parenthesized.Expression);
            case IdentifierNameSyntax identifier:
                return identifier.Identifier.ValueText == _current && _model.GetSymbolInfo(identifier, _cancellation).Symbol is ILocalSymbol or IParameterSymbol;
            case InvocationExpressionSyntax { ArgumentList.Arguments: [{ RefKindKeyword.RawKind: 0, NameColon: null } argument] } invocation:
                // The argument first: its links come before this one.
                if (!Chain(argument.Expression) || Link(invocation) is not { } link) return false;
                _links.Add(link);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A member named on its own or through <c>this</c>.</summary>
    private static bool OnThis(ExpressionSyntax expression) =>
        expression is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax };

    /// <summary>What a one-argument call is, if it can be a link: a Linear layer, <c>Ops.Relu</c> or a sub-model.</summary>
    private ChainLink? Link(InvocationExpressionSyntax invocation)
    {
        var method = _model.GetSymbolInfo(invocation, _cancellation).Symbol as IMethodSymbol;
        if (method is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, _type) && _layers.TryGetValue(method.Name, out var layer))
        {
            // This model's own layer, not another instance's (`other.Dense(x)`).
            if (!OnThis(invocation.Expression)) return null;
            return layer is { Kind: LayerKind.Linear, TiedTo: null, ReturnsStates: false } ? new ChainLink(ChainLinkKind.Linear, layer.Name) : null;
        }
        if (method is not null && method.ContainingType?.ToDisplayString() == KnownTypes.Ops)
        {
            return method.Name switch
            {
                "Relu" => new ChainLink(ChainLinkKind.Relu, "Relu"),
                // Only as the chain's first link (the runtime flattens its input), and only with its defaults: all but the batch dim.
                "Flatten" when _links.Count == 0 && invocation.ArgumentList.Arguments.Count == 1 => new ChainLink(ChainLinkKind.Flatten, "Flatten"),
                _ => null,
            };
        }
        // Matched by name, as the walker does: the sub-model's generated `call` is not visible inside the generator.
        if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "call" or "forward" } access
            && OnThis(access.Expression)
            && _model.GetSymbolInfo(access.Expression, _cancellation).Symbol is IPropertySymbol property
            && SymbolEqualityComparer.Default.Equals(property.ContainingType, _type)
            && property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.SubmodelAttribute)
            && ModelParser.RepeatOf(property) is null)
        {
            return new ChainLink(ChainLinkKind.Submodel, property.Name);
        }
        return null;
    }
}
