using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Analyzers;

namespace Sculpt.CodeFixes;

/// <summary>
/// The fixes that are certain: a Linear layer's input size set to the size it receives
/// (SCULPT0001), and a declared result shape set to the inferred one (SCULPT0002).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ShapeCodeFixProvider)), Shared]
public sealed class ShapeCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CallArgumentShape.Id, DiagnosticDescriptors.ForwardResultShape.Id);

    public override FixAllProvider? GetFixAllProvider() => null;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(FixProperties.LinearLayer, out var layer) && layer is not null
                && diagnostic.Properties.TryGetValue(FixProperties.InputSize, out var size) && long.TryParse(size, out long inputSize))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Set the input size of '{layer}' to {inputSize}",
                        cancellation => SetLinearInput(context.Document, diagnostic, layer, inputSize, cancellation),
                        equivalenceKey: "Sculpt.SetLinearInput"),
                    diagnostic);
            }
            if (diagnostic.Properties.TryGetValue(FixProperties.Output, out var output) && output is not null)
            {
                var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
                if (SignatureLiteral(root?.FindNode(diagnostic.Location.SourceSpan)) is { } literal)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Declare the result as '{output}'",
                            _ => Task.FromResult(context.Document.WithSyntaxRoot(root!.ReplaceNode(literal, WithOutput(literal, output)))),
                            equivalenceKey: "Sculpt.DeclareOutput"),
                        diagnostic);
                }
            }
        }
    }

    private static async Task<Solution> SetLinearInput(Document document, Diagnostic diagnostic, string layer, long size, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        var invocation = root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (root is null || model is null || invocation is null) return document.Project.Solution;
        if (model.GetSymbolInfo(invocation, cancellation).Symbol is not IMethodSymbol method || method.Name != layer) return document.Project.Solution;
        var declaration = (method.PartialDefinitionPart ?? method).DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellation)).OfType<MethodDeclarationSyntax>()
            .FirstOrDefault(m => m.Body is null && m.ExpressionBody is null);
        var attribute = declaration?.AttributeLists.SelectMany(l => l.Attributes)
            .FirstOrDefault(a => a.Name.ToString() is "Linear" or "LinearAttribute" or "Sculpt.Linear" or "Sculpt.LinearAttribute");
        if (declaration is null || attribute?.ArgumentList is not { Arguments.Count: >= 1 } arguments) return document.Project.Solution;

        var target = document.Project.Solution.GetDocument(declaration.SyntaxTree);
        if (target is null) return document.Project.Solution;
        var targetRoot = await target.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        var first = arguments.Arguments[0].Expression;
        var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal((int)size)).WithTriviaFrom(first);
        return target.WithSyntaxRoot(targetRoot!.ReplaceNode(first, replacement)).Project.Solution;
    }

    /// <summary>The plain string literal of the <c>[Forward]</c> or <c>[Shape]</c> attribute of the method around <paramref name="node"/>.</summary>
    private static LiteralExpressionSyntax? SignatureLiteral(SyntaxNode? node)
    {
        var method = node?.FirstAncestorOrSelf<MethodDeclarationSyntax>();
        var attribute = method?.AttributeLists.SelectMany(l => l.Attributes)
            .FirstOrDefault(a => a.Name.ToString() is "Forward" or "ForwardAttribute" or "Shape" or "ShapeAttribute" or "Sculpt.Forward" or "Sculpt.Shape");
        return attribute?.ArgumentList?.Arguments.FirstOrDefault()?.Expression is LiteralExpressionSyntax literal
               && literal.Token.IsKind(SyntaxKind.StringLiteralToken)
               && literal.Token.ValueText.Contains("->")
            ? literal
            : null;
    }

    private static LiteralExpressionSyntax WithOutput(LiteralExpressionSyntax literal, string output)
    {
        string text = literal.Token.ValueText;
        string inputs = text.Substring(0, text.IndexOf("->", System.StringComparison.Ordinal)).TrimEnd();
        return SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(inputs + " -> " + output)).WithTriviaFrom(literal);
    }
}
