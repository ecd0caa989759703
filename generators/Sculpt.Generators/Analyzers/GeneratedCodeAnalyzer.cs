using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Sculpt.Generators.Analyzers;

/// <summary>
/// The safety net under the generator: when a file Sculpt generated has a compile error that no
/// other SCULPT diagnostic explains (typically a declaration whose own code does not parse yet),
/// the error is reported again on the user's declaration, where the user can act on it, instead
/// of only inside a generated file they never wrote.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratedCodeAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "SCULPT0018";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.GeneratedCodeDoesNotCompile, DiagnosticDescriptors.CannotGenerate);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze);
        context.EnableConcurrentExecution();
        context.RegisterSemanticModelAction(AnalyzeGeneratedFile);
    }

    /// <summary>The compiler's errors for two members of one name (a field, property, method or nested type).</summary>
    private static readonly ImmutableHashSet<string> NameClashes = ImmutableHashSet.Create("CS0102", "CS0111", "CS0082", "CS0542");

    /// <summary>
    /// A member the user wrote under a name Sculpt generates (<c>Config</c>, <c>Summary</c>, <c>forward</c>...):
    /// SCULPT0009 on the user's member, which is the one to rename.
    /// </summary>
    private static bool ReportNameClash(SemanticModelAnalysisContext context, Diagnostic error, INamedTypeSymbol type)
    {
        if (!NameClashes.Contains(error.Id)) return false;
        var node = error.Location.SourceTree!.GetRoot(context.CancellationToken).FindToken(error.Location.SourceSpan.Start).Parent;
        var generated = node?.AncestorsAndSelf().Select(n => context.SemanticModel.GetDeclaredSymbol(n, context.CancellationToken)).FirstOrDefault(s => s is not null);
        if (generated is null) return false;
        var clashing = type.GetMembers(generated.Name)
            .SelectMany(m => m.Locations)
            .FirstOrDefault(l => l.IsInSource && !IsSculptOutput(l.SourceTree!));
        if (clashing is null && error.Id == "CS0542" && generated.Name == type.Name)
        {
            // The type itself is named like a member Sculpt generates in it (a dataset named ClassNames).
            var declared = type.Locations.FirstOrDefault(l => l.IsInSource && !IsSculptOutput(l.SourceTree!));
            if (declared is null) return false;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, declared,
                $"Sculpt generates a member named '{type.Name}' in this type, and a member cannot share its type's name; give the type another name"));
            return true;
        }
        if (clashing is null) return false;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CannotGenerate, clashing,
            $"'{generated.Name}' is a member Sculpt generates for '{type.Name}'; give this member another name"));
        return true;
    }

    /// <summary>Whether a tree is one of <see cref="SculptGenerator"/>'s outputs (their paths carry the generator's type name).</summary>
    public static bool IsSculptOutput(SyntaxTree tree) => tree.FilePath.Contains(typeof(SculptGenerator).FullName!);

    private static void AnalyzeGeneratedFile(SemanticModelAnalysisContext context)
    {
        var tree = context.SemanticModel.SyntaxTree;
        if (!IsSculptOutput(tree)) return;
        var error = context.SemanticModel.GetDiagnostics(cancellationToken: context.CancellationToken)
            .FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        if (error is null) return;

        // The declaration the file completes: the innermost generated type around the error,
        // reported at the user's own declaration of it.
        var root = tree.GetRoot(context.CancellationToken);
        var declaration = root.FindNode(error.Location.SourceSpan).AncestorsAndSelf().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault()
            ?? root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>().LastOrDefault();
        if (declaration is null || context.SemanticModel.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol type) return;
        if (ReportNameClash(context, error, type)) return;
        for (var target = type; target is not null; target = target.ContainingType)
        {
            var location = target.Locations.FirstOrDefault(l => l.IsInSource && !IsSculptOutput(l.SourceTree!));
            if (location is null) continue;
            var line = error.Location.GetLineSpan();
            string where = $"{error.Id} at {System.IO.Path.GetFileName(line.Path)}({line.StartLinePosition.Line + 1},{line.StartLinePosition.Character + 1})";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GeneratedCodeDoesNotCompile, location, type.Name, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), where));
            return;
        }
    }
}
