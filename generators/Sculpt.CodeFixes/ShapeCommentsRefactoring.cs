using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sculpt.Generators.Parsing;

namespace Sculpt.CodeFixes;

/// <summary>
/// "Show shapes": on a <c>[Forward]</c> or <c>[Shape]</c> method, writes the shape of each value its
/// statements give as a trailing comment (<c>// shape: [B, 128]</c>), from the analyzer's own
/// inference; "Remove shape comments" takes them out again. Any Roslyn editor offers both.
/// </summary>
[ExportCodeRefactoringProvider(LanguageNames.CSharp, Name = nameof(ShapeCommentsRefactoring)), Shared]
public sealed class ShapeCommentsRefactoring : CodeRefactoringProvider
{
    /// <summary>How a shape comment starts; the removal takes exactly these.</summary>
    public const string Marker = "// shape: ";

    public override async Task ComputeRefactoringsAsync(CodeRefactoringContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault() is not { } method) return;
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null) return;
        var shapes = ForwardWalker.StatementShapes(method, model, context.CancellationToken).Where(s => s.Shape is not null).ToList();
        if (shapes.Count > 0)
        {
            context.RegisterRefactoring(CodeAction.Create(
                "Show shapes as comments",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, WithShapes(method, shapes)))),
                equivalenceKey: "Sculpt.ShowShapes"));
        }
        if (ShapeComments(method).Any())
        {
            context.RegisterRefactoring(CodeAction.Create(
                "Remove shape comments",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, WithoutShapes(method)))),
                equivalenceKey: "Sculpt.RemoveShapes"));
        }
    }

    private static MethodDeclarationSyntax WithShapes(MethodDeclarationSyntax method, List<(SyntaxNode Node, Generators.Shapes.Shape? Shape)> shapes)
    {
        // The last token of each statement, told its shape; the latest value wins where one line gives two.
        var shapeOf = new Dictionary<SyntaxToken, string>();
        foreach (var (node, shape) in shapes) shapeOf[node.GetLastToken()] = shape!.ToString();
        var tokens = shapeOf.Keys.Concat(ShapeComments(method).Select(c => c.Token)).Distinct();
        return method.ReplaceTokens(tokens, (original, _) =>
        {
            var trailing = Stripped(original.TrailingTrivia);
            int end = trailing.FindIndex(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            if (!shapeOf.TryGetValue(original, out var shape) || end < 0) return original.WithTrailingTrivia(trailing);
            // A comment of the line runs to its end, so the shape joins it rather than starting its own.
            int comment = trailing.FindIndex(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia));
            if (comment >= 0 && comment < end)
            {
                trailing[comment] = SyntaxFactory.Comment(trailing[comment].ToString().TrimEnd() + " " + Marker + shape);
                return original.WithTrailingTrivia(trailing);
            }
            trailing.InsertRange(end, [SyntaxFactory.Space, SyntaxFactory.Comment(Marker + shape)]);
            return original.WithTrailingTrivia(trailing);
        });
    }

    private static MethodDeclarationSyntax WithoutShapes(MethodDeclarationSyntax method) =>
        method.ReplaceTokens(ShapeComments(method).Select(c => c.Token).Distinct(), (original, _) => original.WithTrailingTrivia(Stripped(original.TrailingTrivia)));

    /// <summary>Trailing trivia without shape comments: a whole one goes with the space before it; one joined to a comment of the line is cut from it.</summary>
    private static List<SyntaxTrivia> Stripped(SyntaxTriviaList trivia)
    {
        var kept = new List<SyntaxTrivia>();
        foreach (var item in trivia)
        {
            string text = item.ToString();
            if (item.IsKind(SyntaxKind.SingleLineCommentTrivia) && text.StartsWith(Marker, System.StringComparison.Ordinal))
            {
                if (kept.Count > 0 && kept[kept.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)) kept.RemoveAt(kept.Count - 1);
                continue;
            }
            int joined = item.IsKind(SyntaxKind.SingleLineCommentTrivia) ? text.IndexOf(" " + Marker, System.StringComparison.Ordinal) : -1;
            kept.Add(joined >= 0 ? SyntaxFactory.Comment(text.Substring(0, joined)) : item);
        }
        return kept;
    }

    private static IEnumerable<SyntaxTrivia> ShapeComments(MethodDeclarationSyntax method) =>
        method.DescendantTrivia().Where(IsShapeComment);

    private static bool IsShapeComment(SyntaxTrivia trivia) =>
        trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) && trivia.ToString().Contains(Marker);
}
