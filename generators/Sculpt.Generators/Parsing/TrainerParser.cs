using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sculpt.Generators.Model;

namespace Sculpt.Generators.Parsing;

/// <summary>Turns a <c>[Trainer]</c> class deriving from <c>Trainer&lt;TModel, TData, TConfig&gt;</c> into a <see cref="TrainerSpec"/>.</summary>
internal static class TrainerParser
{
    public static TrainerSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || DeclarationRules.TrainerProblem(type) is not null
            || !DeclarationRules.IsFirstAttributedDeclaration(context, KnownTypes.TrainerAttribute)) return null;
        cancellation.ThrowIfCancellationRequested();
        if (context.Attributes[0].ConstructorArguments is not [{ Value: int loss }, { Value: int optimizer }]) return null;

        var trainerBase = TrainerBase(type);
        if (trainerBase is null || trainerBase.TypeArguments[0].TypeKind == TypeKind.Error) return null;

        string Name(int i) => trainerBase.TypeArguments[i].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        bool tabular = trainerBase.TypeArguments[1].GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.CsvDatasetAttribute);
        return new TrainerSpec(TypeTargetParser.Parse(type), Name(0), Name(1), Name(2), (LossKind)loss, (OptimizerKind)optimizer, tabular);
    }

    /// <summary>The <c>Trainer&lt;TModel, TData, TConfig&gt;</c> the type derives from, or null.</summary>
    public static INamedTypeSymbol? TrainerBase(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.TypeArguments.Length == 3
                && current.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == "global::Sculpt.Training.Trainer<TModel, TData, TConfig>")
            {
                return current;
            }
        }
        return null;
    }
}
