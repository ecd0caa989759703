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
        string? reward = RewardOf(context.Attributes[0])?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return new TrainerSpec(TypeTargetParser.Parse(type), Name(0), Name(1), Name(2), (LossKind)loss, (OptimizerKind)optimizer, PredictorOf(trainerBase.TypeArguments[1]), reward);
    }

    /// <summary>
    /// What the data type's samples are read from: its dataset attribute says (the interfaces it gets are generated,
    /// so not visible here), and a hand-written source says by the interfaces it implements.
    /// </summary>
    private static PredictorKind PredictorOf(ITypeSymbol data)
    {
        foreach (var attribute in data.GetAttributes())
        {
            switch (attribute.AttributeClass?.ToDisplayString())
            {
                case KnownTypes.CsvDatasetAttribute: return PredictorKind.Tabular;
                case KnownTypes.ImageFolderDatasetAttribute: return PredictorKind.Image;
                case KnownTypes.TextDatasetAttribute: return PredictorKind.Text;
                case KnownTypes.IdxDatasetAttribute:
                    string shape = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Shape").Value.Value as string ?? "";
                    return DatasetParser.IsImageShape(shape) ? PredictorKind.Image : PredictorKind.None;
            }
        }
        foreach (var implemented in data.AllInterfaces)
        {
            switch (implemented.ToDisplayString())
            {
                case KnownTypes.ImageSourceInterface: return PredictorKind.Image;
                case KnownTypes.TextSourceInterface: return PredictorKind.Text;
            }
        }
        return PredictorKind.None;
    }

    /// <summary>The reward model a <c>[Trainer]</c> names with <c>Reward = typeof(...)</c>, or null.</summary>
    public static INamedTypeSymbol? RewardOf(AttributeData trainer) =>
        trainer.NamedArguments.FirstOrDefault(a => a.Key == "Reward").Value.Value as INamedTypeSymbol;

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
